// docker commit, the container half: hold the container (op lock, so no start, stop or
// remove runs meanwhile), pause it if asked and running, let the image library turn its
// upper dir into an image, unpause (also on error), emit the commit event. The upper dir is
// all the diff needs, so a created or exited container commits without a mount.
#include "common/error.hpp"
#include "engine/commit_pause.hpp"
#include "engine/manager_internal.hpp"
#include "engine/mount_stubs.hpp"
#include "image/digest.hpp"
#include "runtime/container.hpp"
#include "storage/snapshotter.hpp"

namespace berth::engine {

CommitResult ContainerManager::commit(
    const std::string& key, bool pause, const std::string& comment,
    const std::function<CommitResult(const CommitSource&)>& make_image) {
    auto e = find(key);
    std::lock_guard op(e->op);
    CommitSource src;
    std::string top_layer;
    bool pause_here = false;
    {
        std::lock_guard lock(mu_);
        const std::string& status = e->c.state.status;
        if (e->removed) throw Error(Errc::not_found, "No such container: " + key);
        if (status == "dead") {
            throw Error(Errc::conflict,
                        "You cannot commit container " + e->c.id + " which is Dead");
        }
        if (status == "removing") {
            throw Error(Errc::conflict,
                        "You cannot commit container " + e->c.id + " which is being removed");
        }
        src.id = e->c.id;
        src.image_id = e->c.image_id;
        src.config = e->c.config;
        top_layer = e->c.top_layer;
        pause_here = pause && status == "running";
    }
    std::optional<image::Digest> top;
    if (!top_layer.empty()) top = image::Digest::parse(top_layer);
    auto snap = options_.snapshotter->get(src.id, top, container_dir(src.id));
    src.upper = snap.upper;
    src.lowers = snap.lowers;
    src.mount_stubs = mount_stub_paths();

    runtime::Runtime rt(options_.exec_root + "/runtime");
    // A pause of our own, undone below; events as `docker pause` / `unpause` give them.
    auto set_status = [&](const char* status, const char* event) {
        Container c;
        {
            std::lock_guard lock(mu_);
            e->c.state.status = status;
            save_locked(*e);
            c = e->c;
        }
        emit(c, event);
    };
    auto unpause_ours = [&] {
        {
            std::lock_guard lock(mu_);
            if (e->c.state.status != "paused") {  // killed meanwhile: nothing to resume
                clear_commit_pause(container_dir(src.id));
                return;
            }
        }
        rt.resume(src.id);
        set_status("running", "unpause");
        clear_commit_pause(container_dir(src.id));
    };
    if (pause_here) {
        // On disk before the freeze: a berthd killed mid-commit unpauses it at restart.
        mark_commit_pause(container_dir(src.id));
        try {
            rt.pause(src.id);
        } catch (const std::exception&) {
            // As moby's CreateImageFromContainer, which ignores containerPause's error: the
            // container exited (or its runtime state went) since the check above, so there
            // is nothing to freeze and the commit goes on without a pause.
            clear_commit_pause(container_dir(src.id));
            pause_here = false;
        }
        if (pause_here) {
            bool still_running;
            {
                std::lock_guard lock(mu_);
                still_running = e->c.state.status == "running";
            }
            if (still_running) set_status("paused", "pause");
        }
    }
    CommitResult result;
    try {
        result = make_image(src);
    } catch (...) {
        if (pause_here) {
            try {
                unpause_ours();
            } catch (...) {
                // The commit's own error is the one to report.
            }
        }
        throw;
    }
    if (pause_here) unpause_ours();
    Container c;
    {
        std::lock_guard lock(mu_);
        c = e->c;
    }
    emit(c, "commit",
         {{"comment", comment}, {"imageID", result.image_id}, {"imageRef", result.image_ref}});
    return result;
}

}  // namespace berth::engine
