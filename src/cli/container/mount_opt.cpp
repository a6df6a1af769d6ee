#include "cli/container/mount_opt.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <vector>

#include "cli/flags/flag_set.hpp"
#include "cli/format/units.hpp"

namespace berth::cli {

namespace {

// One CSV record (encoding/csv): fields split on ',', a field may be "quoted" with "" for a quote.
std::vector<std::string> csv_fields(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"' && cur.empty()) {
            quoted = true;
        } else if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

bool parse_bool(const std::string& key, const std::string& v) {
    if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") return true;
    if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False")
        return false;
    throw Error(Errc::invalid_argument, "invalid value for " + key + ": " + v);
}

// docker/cli logs this through logrus when bind-nonrecursive has a value.
std::string deprecation_warning() {
    char now[32];
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    std::strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    return std::string("time=\"") + now +
           "\" level=warning msg=\"bind-nonrecursive is deprecated, use bind-recursive=disabled "
           "instead\"\n";
}

}  // namespace

client::Json parse_mount_opt(const std::string& value) {
    using client::Json;
    auto fail = [&](const std::string& why) -> Error {
        return UsageError("invalid argument \"" + value + "\" for \"--mount\" flag: " + why);
    };
    Json m = Json::object();
    Json bind_options, tmpfs_options, volume_options;
    try {
        for (const auto& field : csv_fields(value)) {
            auto eq = field.find('=');
            std::string key = field.substr(0, eq);
            std::transform(key.begin(), key.end(), key.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            if (eq == std::string::npos) {
                if (key == "readonly" || key == "ro") {
                    m["ReadOnly"] = true;
                    continue;
                }
                if (key == "volume-nocopy") {
                    volume_options["NoCopy"] = true;
                    continue;
                }
                if (key == "bind-nonrecursive") {
                    bind_options["NonRecursive"] = true;
                    continue;
                }
                throw Error(Errc::invalid_argument,
                            "invalid field '" + field + "' must be a key=value pair");
            }
            std::string v = field.substr(eq + 1);
            if (key == "type")
                m["Type"] = v;
            else if (key == "source" || key == "src")
                m["Source"] = v;
            else if (key == "target" || key == "dst" || key == "destination")
                m["Target"] = v;
            else if (key == "readonly" || key == "ro")
                m["ReadOnly"] = parse_bool(key, v);
            else if (key == "consistency")
                m["Consistency"] = v;
            else if (key == "bind-propagation")
                bind_options["Propagation"] = v;
            else if (key == "bind-nonrecursive") {
                bind_options["NonRecursive"] = parse_bool(key, v);
                std::fprintf(stderr, "%s", deprecation_warning().c_str());
            } else if (key == "bind-recursive") {
                // enabled: Docker 25's default, read-only binds recursively read-only;
                // disabled: not rbind; writable: Docker 24's read-only on the top mount only;
                // readonly: recursively read-only or an error.
                if (v == "disabled")
                    bind_options["NonRecursive"] = true;
                else if (v == "writable")
                    bind_options["ReadOnlyNonRecursive"] = true;
                else if (v == "readonly")
                    bind_options["ReadOnlyForceRecursive"] = true;
                else if (v != "enabled")
                    throw Error(
                        Errc::invalid_argument,
                        "invalid value for " + key + ": " + v +
                            " (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")");
            } else if (key == "bind-create-mountpoint")
                bind_options["CreateMountpoint"] = parse_bool(key, v);
            else if (key == "volume-nocopy")
                volume_options["NoCopy"] = parse_bool(key, v);
            else if (key == "volume-driver")
                volume_options["DriverConfig"]["Name"] = v;
            else if (key == "volume-subpath")
                volume_options["Subpath"] = v;
            else if (key == "tmpfs-size")
                tmpfs_options["SizeBytes"] = ram_in_bytes(v);
            else if (key == "tmpfs-mode") {
                size_t used = 0;
                unsigned long mode = 0;
                try {
                    mode = std::stoul(v, &used, 8);
                } catch (const std::exception&) {
                    used = 0;
                }
                if (v.empty() || used != v.size() || mode > 0xffffffffUL) {
                    throw Error(Errc::invalid_argument, "invalid value for " + key + ": " + v);
                }
                tmpfs_options["Mode"] = mode;
            } else {
                throw Error(Errc::invalid_argument,
                            "unexpected key '" + key + "' in '" + field + "'");
            }
        }
    } catch (const UsageError&) {
        throw;
    } catch (const Error& e) {
        throw fail(e.what());
    }
    std::string type = m.value("Type", "");
    if (type.empty()) throw fail("type is required");
    if (m.value("Target", "").empty()) throw fail("target is required");
    if (!volume_options.is_null() && type != "volume")
        throw fail("cannot mix 'volume-*' options with mount type '" + type + "'");
    if (!bind_options.is_null() && type != "bind")
        throw fail("cannot mix 'bind-*' options with mount type '" + type + "'");
    if (!tmpfs_options.is_null() && type != "tmpfs")
        throw fail("cannot mix 'tmpfs-*' options with mount type '" + type + "'");
    if (!bind_options.is_null()) {
        bool read_only = m.value("ReadOnly", false);
        if (bind_options.value("ReadOnlyNonRecursive", false) && !read_only)
            throw fail(
                "option 'bind-recursive=writable' requires 'readonly' to be specified in "
                "conjunction");
        if (bind_options.value("ReadOnlyForceRecursive", false)) {
            if (!read_only)
                throw fail(
                    "option 'bind-recursive=readonly' requires 'readonly' to be specified in "
                    "conjunction");
            if (bind_options.value("Propagation", "") != "rprivate")
                throw fail(
                    "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be "
                    "specified in "
                    "conjunction");
        }
        m["BindOptions"] = bind_options;
    }
    if (!volume_options.is_null()) m["VolumeOptions"] = volume_options;
    if (!tmpfs_options.is_null()) m["TmpfsOptions"] = tmpfs_options;
    return m;
}

}  // namespace berth::cli
