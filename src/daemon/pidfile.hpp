#pragma once
// The pid file: proof one berthd owns this configuration. A file naming a live berthd stops a
// second one from starting; a file left by a dead daemon is replaced.
#include <string>

namespace berth::daemon {

class PidFile {
  public:
    // Throws conflict if path names a running berthd.
    explicit PidFile(std::string path);
    ~PidFile();  // removes the file if it still holds our pid
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

    void remove();

  private:
    std::string path_;
    bool owned_ = false;
};

}  // namespace berth::daemon
