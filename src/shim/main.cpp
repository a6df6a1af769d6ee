// berth-shim: the parent of one container (see shim.hpp and protocol.hpp).
#include <cstdio>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "shim/options.hpp"
#include "shim/shim.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        berth::shim::Shim shim(berth::shim::parse_options(args));
        return shim.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "berth-shim: %s\n", e.what());
        return 1;
    }
}
