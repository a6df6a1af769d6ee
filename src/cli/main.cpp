// berth: the Docker-compatible command line, speaking the Engine API to berthd.
#include "cli/cli.hpp"

int main(int argc, char** argv) {
    return berth::cli::run_cli(argc, argv);
}
