#include "cli/format/rows.hpp"

#include <algorithm>
#include <map>

#include "cli/format/display.hpp"
#include "cli/format/units.hpp"
#include "cli/template/go_print.hpp"

namespace berth::cli {

namespace {

std::string get_string(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t get_int(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

}  // namespace

std::string displayable_ports(const Json& ports) {
    struct Port {
        std::string ip, type;
        int priv = 0, pub = 0;
    };
    std::vector<Port> list;
    if (ports.is_array())
        for (const auto& p : ports)
            list.push_back({get_string(p, "IP"), get_string(p, "Type"),
                            static_cast<int>(get_int(p, "PrivatePort")),
                            static_cast<int>(get_int(p, "PublicPort"))});
    std::sort(list.begin(), list.end(), [](const Port& a, const Port& b) {
        if (a.priv != b.priv) return a.priv < b.priv;
        if (a.ip != b.ip) return a.ip < b.ip;
        if (a.pub != b.pub) return a.pub < b.pub;
        return a.type < b.type;
    });
    auto join_host = [](const std::string& ip, const std::string& port) {
        return ip.find(':') != std::string::npos ? "[" + ip + "]:" + port : ip + ":" + port;
    };
    struct Group {
        int first, last;
    };
    std::map<std::string, Group> groups;
    std::vector<std::string> order, result, host_mappings;
    auto form = [&](const std::string& key, const Group& g) {
        auto slash = key.rfind('/');
        std::string ip = slash == std::string::npos ? "" : key.substr(0, slash);
        std::string type = slash == std::string::npos ? key : key.substr(slash + 1);
        std::string range = std::to_string(g.first);
        if (g.first != g.last) range += "-" + std::to_string(g.last);
        if (!ip.empty()) range = join_host(ip, range) + "->" + range;
        return range + "/" + type;
    };
    for (const auto& p : list) {
        std::string key = p.type;
        if (!p.ip.empty()) {
            if (p.pub != p.priv) {
                host_mappings.push_back(join_host(p.ip, std::to_string(p.pub)) + "->" +
                                        std::to_string(p.priv) + "/" + p.type);
                continue;
            }
            key = p.ip + "/" + p.type;
        }
        auto it = groups.find(key);
        if (it == groups.end()) {
            groups[key] = {p.priv, p.priv};
            order.push_back(key);
            continue;
        }
        if (p.priv == it->second.last + 1) {
            it->second.last = p.priv;
            continue;
        }
        result.push_back(form(key, it->second));
        it->second = {p.priv, p.priv};
    }
    for (const auto& key : order) result.push_back(form(key, groups[key]));
    result.insert(result.end(), host_mappings.begin(), host_mappings.end());
    std::string out;
    for (const auto& r : result) out += (out.empty() ? "" : ", ") + r;
    return out;
}

Json container_row(const Json& c, bool trunc) {
    Json row = Json::object();  // keys in sorted order: Docker's {{json .}} marshals a map
    std::string command = get_string(c, "Command");
    row["Command"] = tmpl::go_quote(trunc ? ellipsis(command, 20) : command);
    row["CreatedAt"] = go_time_string(get_int(c, "Created"));
    std::string id = get_string(c, "Id");
    row["ID"] = trunc ? truncate_id(id) : id;
    std::string image = get_string(c, "Image");
    if (image.empty())
        image = "<no image>";
    else if (trunc && image.starts_with("sha256:"))
        image = truncate_id(image);
    row["Image"] = image;
    std::vector<std::string> labels;
    if (c.contains("Labels") && c["Labels"].is_object())
        for (const auto& [k, v] : c["Labels"].items())
            labels.push_back(k + "=" + (v.is_string() ? v.get<std::string>() : ""));
    std::sort(labels.begin(), labels.end());
    std::string label_text;
    for (const auto& l : labels) label_text += (label_text.empty() ? "" : ",") + l;
    row["Labels"] = label_text;
    int local = 0;
    std::string mounts;
    for (const auto& m : c.value("Mounts", Json::array())) {
        if (get_string(m, "Driver") == "local") ++local;
        std::string name = get_string(m, "Name");
        if (name.empty()) name = get_string(m, "Source");
        if (trunc) name = ellipsis(name, 15);
        mounts += (mounts.empty() ? "" : ",") + name;
    }
    row["LocalVolumes"] = std::to_string(local);
    row["Mounts"] = mounts;
    std::string names;
    for (const auto& n : c.value("Names", Json::array())) {
        std::string name = n.get<std::string>();
        if (!name.empty() && name[0] == '/') name.erase(0, 1);
        if (trunc) {
            if (name.find('/') == std::string::npos) {
                names = name;
                break;
            }
            continue;
        }
        names += (names.empty() ? "" : ",") + name;
    }
    row["Names"] = names;
    std::string networks;
    if (c.contains("NetworkSettings") && c["NetworkSettings"].is_object()) {
        const Json nets = c["NetworkSettings"].value("Networks", Json::object());
        for (const auto& [k, v] : nets.items()) networks += (networks.empty() ? "" : ",") + k;
    }
    row["Networks"] = networks;
    // docker 27's ContainerContext has Platform (from ImageManifestDescriptor, which API
    // 1.47 list answers do not carry): null, so `{{json .}}` has the key as docker's has.
    row["Platform"] = nullptr;
    row["Ports"] = displayable_ports(c.value("Ports", Json::array()));
    row["RunningFor"] = time_ago(get_int(c, "Created"));
    int64_t size_rw = get_int(c, "SizeRw"), size_root = get_int(c, "SizeRootFs");
    std::string size = human_size(static_cast<double>(size_rw));
    if (size_root > 0) size += " (virtual " + human_size(static_cast<double>(size_root)) + ")";
    row["Size"] = size;
    row["State"] = get_string(c, "State");
    row["Status"] = get_string(c, "Status");
    return row;
}

Json container_header() {
    return Json{{"ID", "CONTAINER ID"},
                {"Names", "NAMES"},
                {"Image", "IMAGE"},
                {"Command", "COMMAND"},
                {"CreatedAt", "CREATED AT"},
                {"RunningFor", "CREATED"},
                {"Platform", "PLATFORM"},
                {"Ports", "PORTS"},
                {"State", "STATE"},
                {"Status", "STATUS"},
                {"Size", "SIZE"},
                {"Labels", "LABELS"},
                {"Mounts", "MOUNTS"},
                {"LocalVolumes", "LOCAL VOLUMES"},
                {"Networks", "NETWORKS"}};
}

Json image_header() {
    return Json{{"ID", "IMAGE ID"},
                {"Repository", "REPOSITORY"},
                {"Tag", "TAG"},
                {"Digest", "DIGEST"},
                {"CreatedSince", "CREATED"},
                {"CreatedAt", "CREATED AT"},
                {"Size", "SIZE"},
                {"SharedSize", "SHARED SIZE"},
                {"UniqueSize", "UNIQUE SIZE"},
                {"VirtualSize", "VIRTUAL SIZE"},
                {"Containers", "CONTAINERS"}};
}

std::vector<Json> image_rows(const Json& img, bool trunc, bool digests) {
    (void)digests;
    std::string id = get_string(img, "Id");
    int64_t created = get_int(img, "Created");
    auto base = [&]() {
        Json row = Json::object();
        int64_t containers = img.contains("Containers") ? get_int(img, "Containers") : -1;
        row["Containers"] = containers < 0 ? "N/A" : std::to_string(containers);
        row["CreatedAt"] = go_time_string(created);
        row["CreatedSince"] = time_ago(created);
        row["Digest"] = "<none>";
        row["ID"] = trunc ? truncate_id(id) : id;
        row["Repository"] = "<none>";
        int64_t shared = img.contains("SharedSize") ? get_int(img, "SharedSize") : -1;
        int64_t size = get_int(img, "Size");
        row["SharedSize"] = shared < 0 ? "N/A" : human_size(static_cast<double>(shared));
        row["Size"] = human_size(static_cast<double>(size));
        row["Tag"] = "<none>";
        row["UniqueSize"] = shared < 0 ? "N/A" : human_size(static_cast<double>(size - shared));
        // docker: Size with 3 significant digits, VirtualSize with units.HumanSize's 4.
        row["VirtualSize"] = human_size(static_cast<double>(size), 4);
        return row;
    };
    // repository -> tags and digests, in first-seen order.
    std::vector<std::string> repos;
    std::map<std::string, std::vector<std::string>> tags, digests_of;
    auto note = [&](const std::string& repo) {
        if (std::find(repos.begin(), repos.end(), repo) == repos.end()) repos.push_back(repo);
    };
    for (const auto& t : img.value("RepoTags", Json::array())) {
        std::string ref = t.get<std::string>();
        if (ref == "<none>:<none>") continue;
        auto slash = ref.rfind('/');
        auto colon = ref.rfind(':');
        if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) continue;
        note(ref.substr(0, colon));
        tags[ref.substr(0, colon)].push_back(ref.substr(colon + 1));
    }
    for (const auto& d : img.value("RepoDigests", Json::array())) {
        std::string ref = d.get<std::string>();
        if (ref == "<none>@<none>") continue;
        auto at = ref.find('@');
        if (at == std::string::npos) continue;
        note(ref.substr(0, at));
        digests_of[ref.substr(0, at)].push_back(ref.substr(at + 1));
    }
    std::vector<Json> rows;
    for (const auto& repo : repos) {
        const auto& ds = digests_of[repo];
        if (tags[repo].empty()) {
            for (const auto& d : ds) {
                Json row = base();
                row["Repository"] = repo;
                row["Digest"] = d;
                rows.push_back(row);
            }
            continue;
        }
        for (const auto& tag : tags[repo]) {
            Json row = base();
            row["Repository"] = repo;
            row["Tag"] = tag;
            if (ds.size() == 1) row["Digest"] = ds[0];
            rows.push_back(row);
        }
    }
    if (rows.empty()) rows.push_back(base());
    return rows;
}

}  // namespace berth::cli
