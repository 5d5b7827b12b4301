#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "util/expected.hpp"

namespace leakdemo {

// A file the user named (-o FILE, --report FILE), written into a temporary file beside it and renamed over
// it only at the end, so that leakdemo
// - never clobbers what is not a regular file: FILE must be a regular file or absent (a directory, FIFO,
//   device or socket is refused at start, without opening it, so a FIFO cannot hang the start);
// - follows a symlink at FILE to its target, which is replaced; the link itself is kept;
// - never follows a link planted at the temporary name: it is random and created with O_CREAT|O_EXCL|
//   O_NOFOLLOW in the target's directory at start (so an unwritable directory is found before the run, and
//   two runs with the same FILE never share it);
// - keeps an existing file's mode (and, where allowed, its owner); a new file gets 0666 & ~umask;
// - removes the temporary file when it is not committed (a run that failed, a usage error found later).
// While the run goes, the data is in the temporary file, named FILE.XXXXXX.tmp beside FILE's target.
class SafeFile {
  public:
    // Checks `path` and creates the temporary file, or says why not in one line ("PATH is a FIFO, not a
    // regular file", "PATH: cannot create a file in DIR: reason") for the caller to prefix with its flag.
    static Expected<std::unique_ptr<SafeFile>> create(const std::string& path);

    ~SafeFile();
    SafeFile(const SafeFile&) = delete;
    SafeFile& operator=(const SafeFile&) = delete;

    // The temporary file, open for writing.
    int fd() const { return m_fd; }
    const std::string& temporary_path() const { return m_temporary; }
    // Where the data lands: the target at the end of FILE's symlinks.
    const std::string& target_path() const { return m_target; }

    // Moves the data into place: flushed to disk, closed, renamed over the target (which must still be a
    // regular file or absent). Throws Error with the system's reason; the temporary file is then removed.
    void commit();

    // True when both name the same file: the same device and inode when it exists, else the same resolved
    // path (so `x.csv`, `./x.csv` and a link to it are one file).
    bool same_target(const SafeFile& other) const;

  private:
    SafeFile() = default;

    int m_fd = -1;
    bool m_committed = false;
    std::string m_target;
    std::string m_temporary;
    bool m_exists = false;  // the target existed at start
    dev_t m_device = 0;
    ino_t m_inode = 0;
    std::string m_resolved;  // the target's directory resolved (realpath) plus its name
};

}  // namespace leakdemo
