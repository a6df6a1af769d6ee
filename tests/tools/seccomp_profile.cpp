// berth-test-seccomp-profile PROFILE.json [CAP ...]
// Prints the OCI linux.seccomp object that Docker's profile format gives a container with the
// given capabilities (Docker's default set when none are given) on this machine's
// architecture, so integration tests can put it into a bundle's config.json with jq.
#include <sys/utsname.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "common/file_util.hpp"
#include "common/json_reader.hpp"
#include "runtime/seccomp/docker_profile.hpp"

int main(int argc, char** argv) {
    if (argc < 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help") {
        std::cerr << "usage: " << argv[0] << " PROFILE.json [CAP ...]\n";
        return 2;
    }
    namespace seccomp = berth::runtime::seccomp;
    try {
        std::string path = argv[1];
        std::vector<std::string> caps(argv + 2, argv + argc);
        if (caps.empty()) caps = seccomp::docker_default_capabilities();
        utsname uts{};
        ::uname(&uts);
        auto profile = berth::parse_json(berth::read_file(path), path);
        std::cout << seccomp::docker_profile_to_oci(profile, caps, uts.machine).dump(2) << '\n';
        return 0;
    } catch (const std::exception& e) {
        std::cerr << argv[0] << ": " << e.what() << '\n';
        return 1;
    }
}
