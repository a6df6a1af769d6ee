// berth-image-tool --root DIR COMMAND ...: drives the image and storage libraries without
// a daemon, for integration tests, benchmarks and the project's setup (busybox image).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "image/archive_busybox.hpp"
#include "image/archive_import.hpp"
#include "image/archive_load.hpp"
#include "image/archive_save.hpp"
#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/image_store.hpp"
#include "image/layer_apply.hpp"
#include "image/layer_diff.hpp"
#include "image/reference.hpp"
#include "state/database.hpp"
#include "storage/layer_store.hpp"
#include "storage/snapshotter.hpp"

using namespace berth;
using namespace berth::image;

namespace {

const char* kUsage = R"(usage: berth-image-tool [--root DIR] COMMAND [ARGS]
  load [-i FILE|DIR] [--name REPO] [--unpack]   docker/OCI archive (stdin by default) or OCI layout dir
  save [-o FILE] [--format docker|oci] [--dir DIR] NAME...
  import [-c CHANGE]... [-m MSG] FILE|- [REF]
  busybox [--binary PATH] [--tag REF]           build the default busybox image
  images                                        REF  ID lines
  config NAME                                   the image config JSON
  unpack NAME                                   unpack the image's layers (layers/<chain-id>)
  mount NAME ID [DIR]                           snapshot on the image; prints the rootfs path
  umount ID [DIR] | rm ID [DIR]
  apply [--overlay] TAR DIR                     apply one layer; prints the diff id
  diff [--epoch N] [--lower DIR]... UPPER       layer tar of an upper dir to stdout; diff id to stderr
  gc                                            remove unreferenced blobs and layers
)";

struct Env {
    explicit Env(const std::string& root)
        : root(root), db((mkdir_all(root, 0711), root + "/berth.db")), content(root), images(db),
          layers(root), snaps(layers, root) {}
    ArchiveTargets targets(bool unpack) {
        ArchiveTargets t{content, images, &leases, {}};
        if (unpack) {
            t.unpack = [this](const Digest& chain, const Digest& diff, const std::optional<Digest>& parent, int fd) {
                return layers.unpack(chain, diff, parent, fd).size;
            };
        }
        return t;
    }
    Digest resolve(const std::string& name) {
        if (!Reference::looks_like_image_id(name)) {
            try {
                if (auto id = images.resolve_tag(Reference::parse(name).str())) return *id;
            } catch (const Error&) {
            }
        }
        auto ids = images.find_images_by_prefix(name.starts_with("sha256:") ? name.substr(7) : name);
        if (ids.size() != 1) throw Error(Errc::not_found, "No such image: " + name);
        return ids.front();
    }
    std::string root;
    state::Database db;
    ContentStore content;
    ImageStore images;
    LeaseManager leases;
    storage::LayerStore layers;
    storage::Snapshotter snaps;
};

UniqueFd open_in(const std::string& path) {
    if (path == "-" || path.empty()) return UniqueFd(::dup(0));
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    return fd;
}

std::optional<Digest> top_chain(Env& env, const Digest& id) {
    auto rec = env.images.get_image(id);
    if (!rec) throw Error(Errc::not_found, "No such image: " + id.str());
    if (rec->layers.empty()) return std::nullopt;
    return rec->layers.back();
}

void unpack_image(Env& env, const Digest& id) {
    auto rec = env.images.get_image(id);
    if (!rec) throw Error(Errc::not_found, "No such image: " + id.str());
    std::vector<Digest> diff_ids = parse_image_config(env.content.read_blob(id)).diff_ids;
    std::optional<Manifest> m;
    if (rec->manifest) m = parse_manifest(env.content.read_blob(*rec->manifest));
    for (size_t i = 0; i < rec->layers.size(); ++i) {
        if (env.layers.exists(rec->layers[i])) continue;
        if (!m || i >= m->layers.size()) throw Error(Errc::not_found, "layer blobs of " + id.str() + " are missing");
        UniqueFd fd = env.content.open_blob(m->layers[i].digest);
        std::optional<Digest> parent;
        if (i > 0) parent = rec->layers[i - 1];
        env.layers.unpack(rec->layers[i], diff_ids[i], parent, fd.get());
    }
}

int run(std::vector<std::string> args) {
    std::string root = "/var/lib/berth";
    if (args.size() >= 2 && args[0] == "--root") {
        root = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    std::string cmd = args[0];
    args.erase(args.begin());
    // Options before positionals; "--x v" pairs and flags.
    std::map<std::string, std::vector<std::string>> opt;
    std::vector<std::string> pos;
    const std::vector<std::string> flags = {"--unpack", "--overlay"};
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() > 1 && a[0] == '-' && a != "-") {
            if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
                opt[a].push_back("1");
            } else if (i + 1 < args.size()) {
                opt[a].push_back(args[++i]);
            } else {
                throw Error(Errc::invalid_argument, a + " needs a value");
            }
        } else {
            pos.push_back(a);
        }
    }
    auto one = [&](const std::string& k, const std::string& def = "") {
        return opt.count(k) ? opt[k].back() : def;
    };

    if (cmd == "apply") {
        if (pos.size() != 2) throw Error(Errc::invalid_argument, "apply TAR DIR");
        UniqueFd fd = open_in(pos[0]);
        ApplyOptions o;
        o.mode = opt.count("--overlay") ? WhiteoutMode::overlay : WhiteoutMode::flatten;
        ApplyResult r = apply_layer(fd.get(), pos[1], o);
        std::cout << r.diff_id.str() << "\n";
        return 0;
    }
    if (cmd == "diff") {
        if (pos.size() != 1) throw Error(Errc::invalid_argument, "diff UPPER");
        DiffOptions o;
        o.lowers = opt["--lower"];
        if (opt.count("--epoch")) o.source_date_epoch = std::stoll(one("--epoch"));
        DiffResult r = write_layer_diff(pos[0], 1, o);
        std::cerr << r.diff_id.str() << "\n";
        return 0;
    }

    Env env(root);
    if (cmd == "load") {
        std::string in = one("-i", "-");
        LoadOptions lo;
        lo.default_name = one("--name");
        LoadResult r = (in != "-" && std::filesystem::is_directory(in))
                           ? load_oci_layout_dir(in, env.targets(opt.count("--unpack")), lo)
                           : [&] {
                                 UniqueFd fd = open_in(in);
                                 return load_archive(fd.get(), env.targets(opt.count("--unpack")), lo);
                             }();
        for (const auto& t : r.tags) std::cout << "Loaded image: " << t << "\n";
        if (r.tags.empty()) {
            for (const auto& id : r.images) std::cout << "Loaded image ID: " << id.str() << "\n";
        }
        return 0;
    }
    if (cmd == "save") {
        SaveFormat f = one("--format", opt.count("--dir") ? "oci" : "docker") == "oci" ? SaveFormat::oci : SaveFormat::docker;
        if (opt.count("--dir")) {
            save_layout_dir(one("--dir"), env.content, env.images, pos, f);
            return 0;
        }
        std::string out = one("-o", "-");
        UniqueFd fd(out == "-" ? ::dup(1) : ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd) throw_errno("open " + out);
        save_archive(fd.get(), env.content, env.images, pos, f);
        return 0;
    }
    if (cmd == "import") {
        if (pos.empty() || pos.size() > 2) throw Error(Errc::invalid_argument, "import FILE|- [REF]");
        ImportOptions io;
        io.changes = opt["-c"];
        io.message = one("-m");
        if (pos.size() == 2) io.tag = pos[1];
        UniqueFd fd = open_in(pos[0]);
        std::cout << import_rootfs(fd.get(), env.targets(false), io).str() << "\n";
        return 0;
    }
    if (cmd == "busybox") {
        BusyboxOptions bo;
        bo.binary = one("--binary", bo.binary);
        bo.tag = one("--tag", bo.tag);
        std::cout << build_busybox_image(env.targets(false), bo).str() << "\n";
        return 0;
    }
    if (cmd == "images") {
        for (const auto& t : env.images.list_tags()) {
            std::cout << Reference::parse(t.name).familiar_string() << " " << t.image.str() << "\n";
        }
        return 0;
    }
    if (cmd == "config") {
        if (pos.size() != 1) throw Error(Errc::invalid_argument, "config NAME");
        std::cout << env.content.read_blob(env.resolve(pos[0])) << "\n";
        return 0;
    }
    if (cmd == "unpack") {
        if (pos.size() != 1) throw Error(Errc::invalid_argument, "unpack NAME");
        unpack_image(env, env.resolve(pos[0]));
        return 0;
    }
    if (cmd == "mount") {
        if (pos.size() < 2) throw Error(Errc::invalid_argument, "mount NAME ID [DIR]");
        Digest id = env.resolve(pos[0]);
        unpack_image(env, id);
        storage::Snapshot s = env.snaps.prepare(pos[1], top_chain(env, id), pos.size() > 2 ? pos[2] : "");
        env.snaps.mount(s);
        std::cout << s.rootfs << "\n";
        return 0;
    }
    if (cmd == "umount" || cmd == "rm") {
        if (pos.empty()) throw Error(Errc::invalid_argument, cmd + " ID [DIR]");
        storage::Snapshot s;
        s.dir = pos.size() > 1 ? pos[1] : root + "/containers/" + pos[0];
        s.rootfs = s.dir + "/rootfs";
        if (cmd == "umount") env.snaps.unmount(s);
        else env.snaps.remove(s);
        return 0;
    }
    if (cmd == "gc") {
        GcOptions go;
        go.remove_layer_dir = env.layers.remover();
        GcResult r = collect_garbage(env.content, env.images, env.leases, go);
        std::cout << "removed " << r.removed_blobs.size() << " blobs, " << r.removed_layers.size() << " layers\n";
        return 0;
    }
    std::cerr << kUsage;
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const Error& e) {
        std::cerr << "berth-image-tool: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "berth-image-tool: " << e.what() << "\n";
        return 1;
    }
}
