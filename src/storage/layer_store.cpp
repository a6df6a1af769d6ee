#include "storage/layer_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/json_reader.hpp"
#include "image/layer_apply.hpp"

namespace berth::storage {

namespace {
// 16 hex chars of the chain id: deterministic (two unpackers agree) and short enough that
// "l/<short>:" times 200 layers stays under a page.
std::string short_name(const image::Digest& chain_id) { return chain_id.hex().substr(0, 16); }

std::vector<std::string> split_colon(const std::string& s) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < s.size()) {
        size_t c = s.find(':', pos);
        if (c == std::string::npos) c = s.size();
        if (c > pos) out.push_back(s.substr(pos, c - pos));
        pos = c + 1;
    }
    return out;
}
}  // namespace

LayerStore::LayerStore(std::string root) : layers_(std::move(root) + "/layers") {
    mkdir_all(layers_ + "/l", 0700);
}

std::string LayerStore::dir_of(const image::Digest& chain_id) const {
    if (chain_id.algorithm() != "sha256") {
        throw Error(Errc::invalid_argument, "chain id " + chain_id.str() + " is not sha256");
    }
    return layers_ + "/" + chain_id.hex();
}

bool LayerStore::exists(const image::Digest& chain_id) const {
    return path_exists(dir_of(chain_id) + "/meta.json");
}

LayerInfo LayerStore::get(const image::Digest& chain_id) const {
    std::string dir = dir_of(chain_id);
    auto text = read_file_if_exists(dir + "/meta.json");
    if (!text) throw Error(Errc::not_found, "layer " + chain_id.str() + " is not unpacked");
    Json doc = parse_json(*text, dir + "/meta.json");
    JsonReader r(doc, dir + "/meta.json");
    LayerInfo info;
    info.chain_id = image::Digest::parse(r.at("chain_id").as_string());
    info.diff_id = image::Digest::parse(r.at("diff_id").as_string());
    if (auto p = r.opt_string("parent")) info.parent = image::Digest::parse(*p);
    info.size = r.at("size").as_uint();
    info.diff_dir = dir + "/diff";
    return info;
}

LayerInfo LayerStore::unpack(const image::Digest& chain_id, const image::Digest& diff_id,
                             const std::optional<image::Digest>& parent, int tar_fd) {
    if (exists(chain_id)) return get(chain_id);
    std::string lower;
    if (parent) {
        if (!exists(*parent)) {
            throw Error(Errc::not_found, "cannot unpack layer " + chain_id.str() + ": parent layer " +
                                             parent->str() + " is not unpacked");
        }
        lower = "l/" + short_name(*parent);
        if (auto up = read_file_if_exists(dir_of(*parent) + "/lower"); up && !up->empty()) lower += ":" + *up;
    }
    std::string tmp = layers_ + "/.tmp-" + chain_id.hex().substr(0, 12) + "-XXXXXX";
    if (!::mkdtemp(tmp.data())) throw_errno("mkdtemp " + tmp);
    try {
        ::chmod(tmp.c_str(), 0700);
        image::ApplyOptions options;
        options.mode = image::WhiteoutMode::overlay;
        options.what = "layer " + diff_id.str();
        image::ApplyResult result = image::apply_layer(tar_fd, tmp + "/diff", options);
        if (result.diff_id != diff_id) {
            throw Error(Errc::invalid_argument, "layer " + diff_id.str() + " is corrupt: its content hashes to " +
                                                    result.diff_id.str());
        }
        Json meta = {{"chain_id", chain_id.str()}, {"diff_id", diff_id.str()}, {"size", result.unpacked_size}};
        if (parent) meta["parent"] = parent->str();
        write_file_atomic(tmp + "/meta.json", meta.dump());
        write_file_atomic(tmp + "/link", short_name(chain_id));
        write_file_atomic(tmp + "/lower", lower);
        std::string link = layers_ + "/l/" + short_name(chain_id);
        std::string link_target = "../" + chain_id.hex() + "/diff";
        if (::symlink(link_target.c_str(), link.c_str()) < 0 && errno != EEXIST) throw_errno("symlink " + link);
        std::string final_dir = dir_of(chain_id);
        if (::rename(tmp.c_str(), final_dir.c_str()) < 0) {
            if (errno != EEXIST && errno != ENOTEMPTY) throw_errno("rename " + tmp + " to " + final_dir);
            remove_all(tmp);  // a concurrent unpack of the same chain won
        }
    } catch (...) {
        try {
            remove_all(tmp);
        } catch (...) {
        }
        throw;
    }
    return get(chain_id);
}

std::vector<std::string> LayerStore::short_lower_dirs(const image::Digest& chain_id) const {
    std::string dir = dir_of(chain_id);
    if (!exists(chain_id)) throw Error(Errc::not_found, "layer " + chain_id.str() + " is not unpacked");
    std::vector<std::string> out{"l/" + read_file(dir + "/link")};
    for (auto& s : split_colon(read_file(dir + "/lower"))) out.push_back(std::move(s));
    return out;
}

std::vector<std::string> LayerStore::lower_dirs(const image::Digest& chain_id) const {
    std::vector<std::string> out;
    for (const auto& s : short_lower_dirs(chain_id)) {
        // Resolve l/<short> to the real diff dir: the new mount API takes full paths.
        char buf[4096];
        std::string link = layers_ + "/" + s;
        ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
        if (n < 0) throw_errno("readlink " + link);
        std::string target(buf, static_cast<size_t>(n));  // "../<hex>/diff"
        out.push_back(layers_ + "/" + target.substr(3));
    }
    return out;
}

void LayerStore::remove(const image::Digest& chain_id) {
    std::string dir = dir_of(chain_id);
    if (!path_exists(dir)) return;
    // Out of sight first, so a crash mid-removal never leaves a half layer under its name.
    std::string doomed = layers_ + "/.removing-" + chain_id.hex() + "-" + std::to_string(::getpid());
    if (::rename(dir.c_str(), doomed.c_str()) < 0) throw_errno("rename " + dir);
    std::string link = layers_ + "/l/" + short_name(chain_id);
    if (::unlink(link.c_str()) < 0 && errno != ENOENT) throw_errno("unlink " + link);
    remove_all(doomed);
}

std::vector<image::Digest> LayerStore::list() const {
    std::vector<image::Digest> out;
    DIR* d = ::opendir(layers_.c_str());
    if (!d) throw_errno("opendir " + layers_);
    while (dirent* ent = ::readdir(d)) {
        std::string name = ent->d_name;
        if (name.size() != 64 || !path_exists(layers_ + "/" + name + "/meta.json")) continue;
        try {
            out.push_back(image::Digest::parse("sha256:" + name));
        } catch (const Error&) {
        }
    }
    ::closedir(d);
    return out;
}

std::vector<std::string> LayerStore::sweep_abandoned(
    const std::function<bool(const image::Digest&)>& known) {
    std::vector<std::string> report;
    std::vector<std::string> names;
    if (DIR* d = ::opendir(layers_.c_str())) {
        while (dirent* ent = ::readdir(d)) {
            std::string name = ent->d_name;
            if (name != "." && name != ".." && name != "l") names.push_back(std::move(name));
        }
        ::closedir(d);
    }
    auto drop = [&](const std::string& name, const std::string& why) {
        try {
            remove_all(layers_ + "/" + name);
            report.push_back("removed layers/" + name + " (" + why + ")");
        } catch (const std::exception& e) {
            report.push_back("could not remove layers/" + name + ": " + e.what());
        }
    };
    for (const auto& name : names) {
        if (name.starts_with(".tmp-")) {
            drop(name, "an unpack cut short");
        } else if (name.starts_with(".removing-")) {
            drop(name, "a removal cut short");
        } else if (name.size() == 64) {
            std::optional<image::Digest> chain;
            try {
                chain = image::Digest::parse("sha256:" + name);
            } catch (const Error&) {
                continue;  // not a layer of ours
            }
            if (!known(*chain)) drop(name, "unpacked, never recorded");
        }
    }
    std::string links = layers_ + "/l";
    if (DIR* d = ::opendir(links.c_str())) {
        std::vector<std::string> dangling;
        while (dirent* ent = ::readdir(d)) {
            std::string name = ent->d_name;
            struct stat st {};
            if (name == "." || name == "..") continue;
            if (::stat((links + "/" + name).c_str(), &st) < 0 && errno == ENOENT)
                dangling.push_back(name);
        }
        ::closedir(d);
        for (const auto& name : dangling) ::unlink((links + "/" + name).c_str());
    }
    return report;
}

}  // namespace berth::storage
