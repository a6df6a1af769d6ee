// berth-shim: the parent of one container (see shim.hpp and protocol.hpp).
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/open_files_limit.hpp"
#include "shim/options.hpp"
#include "shim/shim.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        auto options = berth::shim::parse_options(args);
        // Before anything is started: the container inherits this limit, not berthd's raised one.
        if (options.nofile_soft) berth::restore_open_files_soft_limit(options.nofile_soft);
        if (options.detach) {
            pid_t child = ::fork();
            if (child < 0) {
                std::perror("berth-shim: fork");
                return 1;
            }
            if (child > 0) ::_exit(0);
        }
        berth::shim::Shim shim(std::move(options));
        return shim.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "berth-shim: %s\n", e.what());
        return 1;
    }
}
