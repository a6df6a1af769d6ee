#pragma once
// A temporary data root per test, removed afterwards.
#include <cstdlib>
#include <string>

#include "common/file_util.hpp"

namespace berth::image::test {

class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/berth-image-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() { berth::remove_all(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace berth::image::test
