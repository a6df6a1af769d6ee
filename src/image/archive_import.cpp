#include "image/archive_import.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "common/time_format.hpp"
#include "common/error.hpp"
#include "common/json_depth.hpp"
#include "common/json_reader.hpp"
#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/healthcheck_instruction.hpp"
#include "image/image_store.hpp"
#include "image/media_types.hpp"
#include "image/tar_stream.hpp"

namespace berth::image {

namespace {

std::string trim(std::string s) {
    auto issp = [](unsigned char c) { return std::isspace(c) != 0; };
    s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), issp));
    s.erase(std::find_if_not(s.rbegin(), s.rend(), issp).base(), s.end());
    return s;
}

std::string unquote(std::string s) {
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) return s.substr(1, s.size() - 2);
    return s;
}

// Whitespace-separated words, keeping quoted spans together ("a=\"b c\"" is one word).
std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    char quote = 0;
    bool have = false;
    for (char c : s) {
        if (quote) {
            if (c == quote) quote = 0;
            else cur += c;
        } else if (c == '"' || c == '\'') {
            quote = c;
            have = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (have || !cur.empty()) out.push_back(cur);
            cur.clear();
            have = false;
        } else {
            cur += c;
        }
    }
    if (have || !cur.empty()) out.push_back(cur);
    return out;
}

// JSON form (["a", "b"]) or shell form (wrapped in /bin/sh -c, as Docker does).
std::vector<std::string> command(const std::string& rest, bool shell_form_wraps) {
    if (!rest.empty() && rest.front() == '[' && !json_nesting_exceeds(rest)) {
        try {
            Json j = Json::parse(rest);
            if (j.is_array() && std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_string(); })) {
                return j.get<std::vector<std::string>>();
            }
        } catch (const Json::exception&) {
        }
    }
    if (shell_form_wraps) return {"/bin/sh", "-c", rest};
    return words(rest);
}

// KEY=VALUE pairs, or the legacy single "KEY VALUE" form.
std::vector<std::pair<std::string, std::string>> pairs(const std::string& instr, const std::string& rest) {
    std::vector<std::pair<std::string, std::string>> out;
    std::vector<std::string> w = words(rest);
    if (w.empty()) throw Error(Errc::invalid_argument, instr + " requires at least one argument");
    if (w.front().find('=') == std::string::npos) {
        size_t sp = rest.find_first_of(" \t");
        if (sp == std::string::npos) throw Error(Errc::invalid_argument, instr + " " + rest + ": expected KEY VALUE");
        out.emplace_back(rest.substr(0, sp), unquote(trim(rest.substr(sp))));
        return out;
    }
    for (const auto& word : w) {
        size_t eq = word.find('=');
        if (eq == std::string::npos || eq == 0) throw Error(Errc::invalid_argument, instr + ": \"" + word + "\" is not KEY=VALUE");
        out.emplace_back(word.substr(0, eq), word.substr(eq + 1));
    }
    return out;
}

}  // namespace

void apply_changes(RunConfig& c, const std::vector<std::string>& changes) {
    for (const auto& change : changes) {
        std::string line = trim(change);
        if (line.empty()) continue;
        size_t sp = line.find_first_of(" \t");
        std::string instr = line.substr(0, sp);
        std::string rest = sp == std::string::npos ? "" : trim(line.substr(sp));
        std::transform(instr.begin(), instr.end(), instr.begin(), [](unsigned char ch) { return std::toupper(ch); });
        static const char* const kKnown[] = {"CMD", "ENTRYPOINT", "ENV", "LABEL", "WORKDIR",
                                             "USER", "EXPOSE", "VOLUME", "STOPSIGNAL",
                                             "ONBUILD", "HEALTHCHECK"};
        if (std::none_of(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return instr == k; })) {
            throw Error(Errc::invalid_argument, "\"" + instr + "\" is not a valid change command");
        }
        if (rest.empty()) throw Error(Errc::invalid_argument, instr + " requires an argument");
        if (instr == "CMD") {
            c.cmd = command(rest, true);
            c.has_cmd = true;
        } else if (instr == "ENTRYPOINT") {
            c.entrypoint = command(rest, true);
            c.has_entrypoint = true;
        } else if (instr == "ENV") {
            for (auto& kv : pairs(instr, rest)) {
                std::string prefix = kv.first + "=";  // (structured bindings cannot be captured in C++20)
                std::string entry = prefix + kv.second;
                auto it = std::find_if(c.env.begin(), c.env.end(), [&](const std::string& e) { return e.starts_with(prefix); });
                if (it != c.env.end()) *it = entry;
                else c.env.push_back(entry);
            }
        } else if (instr == "LABEL") {
            for (auto& [k, v] : pairs(instr, rest)) c.labels[k] = v;
        } else if (instr == "WORKDIR") {
            c.working_dir = unquote(rest);
        } else if (instr == "USER") {
            c.user = unquote(rest);
        } else if (instr == "EXPOSE") {
            for (auto port : words(rest)) {
                if (port.find('/') == std::string::npos) port += "/tcp";
                if (std::find(c.exposed_ports.begin(), c.exposed_ports.end(), port) == c.exposed_ports.end()) {
                    c.exposed_ports.push_back(port);
                }
            }
        } else if (instr == "VOLUME") {
            for (const auto& v : command(rest, false)) {
                if (std::find(c.volumes.begin(), c.volumes.end(), v) == c.volumes.end()) c.volumes.push_back(v);
            }
        } else if (instr == "HEALTHCHECK") {
            c.healthcheck = parse_healthcheck_instruction(rest);  // replaces the image's whole check
        } else if (instr == "STOPSIGNAL") {
            c.stop_signal = unquote(rest);
        } else if (instr == "ONBUILD") {
            // Stored as written, run by a later build; these three cannot be triggers.
            std::string trigger = rest.substr(0, rest.find_first_of(" \t"));
            std::transform(trigger.begin(), trigger.end(), trigger.begin(),
                           [](unsigned char ch) { return std::toupper(ch); });
            if (trigger == "ONBUILD" || trigger == "FROM" || trigger == "MAINTAINER") {
                throw Error(Errc::invalid_argument,
                            trigger == "ONBUILD" ? "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
                                                 : trigger + " isn't allowed as an ONBUILD trigger");
            }
            c.on_build.push_back(rest);
        }
    }
}

Digest import_rootfs(int fd, const ArchiveTargets& targets, const ImportOptions& options) {
    RunConfig run;
    apply_changes(run, options.changes);  // before reading: a bad change costs nothing
    ContentStore& content = targets.content;
    std::optional<Lease> lease;
    if (targets.leases) lease = targets.leases->acquire("import");
    Lease* lp = lease ? &*lease : nullptr;

    std::string ref = "import-" + std::to_string(::getpid()) + "-" + rfc3339_nano_now();
    ContentWriter w = content.open_writer(ref);
    uint64_t size = 0;
    Digest layer;
    try {
        decompress_stream(fd, "import", [&](const void* data, size_t n) {
            w.write(data, n);
            size += n;
        });
        layer = w.commit(lp);
    } catch (...) {
        abort_quietly(w);  // the ref is this import's alone: nothing will ever resume it
        throw;
    }

    std::string now = options.created.empty() ? rfc3339_nano_now() : options.created;
    std::string comment = options.message.empty() ? "Imported from -" : options.message;
    Platform p = options.platform.normalized();
    Json config = {{"architecture", p.architecture},
                   {"os", p.os.empty() ? "linux" : p.os},
                   {"created", now},
                   {"config", run_config_to_json(run)},
                   {"rootfs", {{"type", "layers"}, {"diff_ids", {layer.str()}}}},
                   {"history", {{{"created", now}, {"comment", comment}}}}};
    if (!p.variant.empty()) config["variant"] = p.variant;
    if (!options.message.empty()) config["comment"] = options.message;
    NewImage image;
    image.config = content.put(config.dump(), lp);
    Descriptor d;
    d.media_type = media_type::kOciLayer;
    d.digest = layer;
    d.size = static_cast<int64_t>(size);
    image.layers.push_back(d);
    if (!options.tag.empty()) image.tags.push_back(options.tag);
    return register_image(targets, image, lp);
}

}  // namespace berth::image
