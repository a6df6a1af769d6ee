#include "api/exec/exec_router.hpp"

#include <gtest/gtest.h>

#include "api/mux.hpp"
#include "common/error.hpp"

namespace berth::api {
namespace {

class FakeExec : public ExecBackend {
  public:
    Json last_config;
    ExecStartRequest last_start;
    std::string exec_create(const std::string& c, const Json& config) override {
        if (c != "web") throw Error(Errc::not_found, "No such container: " + c);
        last_config = config;
        return "exec1";
    }
    StdioStream exec_start(const std::string& id, const ExecStartRequest& r) override {
        if (id != "exec1") throw Error(Errc::not_found, "No such exec instance: " + id);
        last_start = r;
        return {};
    }
    Json exec_inspect(const std::string& id) override {
        if (id != "exec1") throw Error(Errc::not_found, "No such exec instance: " + id);
        return {{"ID", id}, {"OpenStdin", false}};
    }
    void exec_resize(const std::string&, unsigned, unsigned) override {}
};

class ExecRouterTest : public ::testing::Test {
  protected:
    ExecRouterTest() : router(fake) { mux.add(router); }
    Response call(const std::string& method, const std::string& target, std::string body = {}) {
        HeaderList h;
        if (!body.empty()) h.emplace_back("Content-Type", "application/json");
        Context ctx(method, target, h, nullptr, std::move(body));
        return mux.dispatch(ctx);
    }
    FakeExec fake;
    ExecRouter router;
    Mux mux;
};

TEST_F(ExecRouterTest, CreateAnswers201WithTheId) {
    auto r =
        call("POST", "/v1.47/containers/web/exec", R"({"Cmd":["echo","hi"],"AttachStdout":true})");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(Json::parse(r.body)["Id"], "exec1");
    EXPECT_EQ(fake.last_config["Cmd"][1], "hi");
}

TEST_F(ExecRouterTest, CreateNeedsACommandOfTheRightType) {
    auto r = call("POST", "/containers/web/exec", R"({"AttachStdout":true})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(Json::parse(r.body)["message"], "No exec command specified");
    EXPECT_EQ(call("POST", "/containers/web/exec", R"({"Cmd":"echo"})").status, 400);
    EXPECT_EQ(call("POST", "/containers/nope/exec", R"({"Cmd":["true"]})").status, 404);
}

TEST_F(ExecRouterTest, DetachedStartAnswersAtOnce) {
    auto r =
        call("POST", "/exec/exec1/start", R"({"Detach":true,"Tty":true,"ConsoleSize":[30,100]})");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(fake.last_start.detach);
    EXPECT_TRUE(fake.last_start.tty);
    EXPECT_EQ(fake.last_start.height, 30u);
    EXPECT_EQ(fake.last_start.width, 100u);
}

TEST_F(ExecRouterTest, UnknownExecIs404) {
    auto r = call("GET", "/exec/nope/json");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(Json::parse(r.body)["message"], "No such exec instance: nope");
    EXPECT_EQ(call("POST", "/exec/nope/start", R"({"Detach":true})").status, 404);
    EXPECT_EQ(call("POST", "/exec/exec1/resize?h=10&w=20").status, 200);
}

}  // namespace
}  // namespace berth::api
