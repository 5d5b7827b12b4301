#include "output/safe_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "util/error.hpp"

namespace leakdemo {
namespace {

// The kernel's own limit on symlinks in one path resolution (ELOOP beyond it).
constexpr int max_symlink_hops = 40;
// Attempts at a fresh random temporary name before giving up (each collision is a file that exists).
constexpr int max_name_attempts = 100;

struct DirectoryAndName {
    std::string directory;
    std::string name;
};

DirectoryAndName split(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) {
        return {".", path};
    }
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

std::string system_reason() {
    return std::strerror(errno);
}

// What a path that is not a regular file is, in words.
const char* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return "a device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "not a regular file";
}

// Follows the symlinks at `path` itself (those in its directories need no following: rename works through
// them) to the name that is really replaced. Never opens anything.
Expected<std::string> follow_links(std::string path) {
    for (int hop = 0; hop < max_symlink_hops; ++hop) {
        struct stat status {};
        if (::lstat(path.c_str(), &status) != 0) {
            if (errno == ENOENT) {
                return Expected<std::string>::ok(path);  // absent (a dangling link's target): created there
            }
            return Expected<std::string>::fail(fmt::format("cannot use {}: {}", path, system_reason()));
        }
        if (!S_ISLNK(status.st_mode)) {
            return Expected<std::string>::ok(path);
        }
        std::array<char, PATH_MAX> target{};
        const ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
        if (length <= 0 || static_cast<std::size_t>(length) >= target.size()) {
            return Expected<std::string>::fail(fmt::format("cannot read the link {}", path));
        }
        const std::string link(target.data(), static_cast<std::size_t>(length));
        path = link.front() == '/' ? link : split(path).directory + "/" + link;
    }
    return Expected<std::string>::fail(fmt::format("{}: too many levels of symbolic links", path));
}

// A random name no one can predict, so no one can plant a link there beforehand.
std::string random_suffix() {
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::array<unsigned char, 8> bytes{};
    if (::getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
        // No entropy (very old kernel, seccomp): O_EXCL still keeps the open safe, only guessable.
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            bytes[i] = static_cast<unsigned char>(std::rand());
        }
    }
    std::string suffix;
    for (const unsigned char byte : bytes) {
        suffix += alphabet[byte % alphabet.size()];
    }
    return suffix;
}

// The mode the replaced file gets: the old one's permission bits, or what a plain create would give.
mode_t final_mode(bool exists, const struct stat& status) {
    if (exists) {
        return status.st_mode & 0777;
    }
    const mode_t mask = ::umask(0);  // reading the umask means setting it: put it straight back
    ::umask(mask);
    return 0666 & ~mask;
}

// The file that FILE really names, checked: a regular file or nothing.
struct Target {
    std::string path;  // the end of FILE's symlinks
    bool exists = false;
    struct stat status {};
};

Expected<Target> find_target(const std::string& path) {
    using Result = Expected<Target>;
    // What is at FILE, following links: stat never opens, so a FIFO cannot block us.
    Target target;
    target.exists = ::stat(path.c_str(), &target.status) == 0;
    if (!target.exists && errno != ENOENT) {
        return Result::fail(fmt::format("cannot use {}: {}", path, system_reason()));
    }
    if (target.exists && !S_ISREG(target.status.st_mode)) {
        return Result::fail(
            fmt::format("{} is {}, not a regular file", path, kind_of(target.status.st_mode)));
    }
    // The name that is replaced: the end of FILE's links, which must be the very file stat saw (not so for
    // the kernel's magic links, such as /dev/stdout on a pipe).
    Expected<std::string> followed = follow_links(path);
    if (!followed) {
        return Result::fail(followed.error());
    }
    target.path = std::move(followed).value();
    struct stat end {};
    const bool end_exists = ::lstat(target.path.c_str(), &end) == 0;
    if (end_exists != target.exists ||
        (end_exists && (end.st_dev != target.status.st_dev || end.st_ino != target.status.st_ino))) {
        return Result::fail(fmt::format("cannot tell which file {} names", path));
    }
    const std::string name = split(target.path).name;
    if (name.empty() || name == "." || name == "..") {
        return Result::fail(fmt::format("{} names a directory, not a file", path));
    }
    return Result::ok(std::move(target));
}

}  // namespace

Expected<std::unique_ptr<SafeFile>> SafeFile::create(const std::string& path) {
    using Result = Expected<std::unique_ptr<SafeFile>>;
    const Expected<Target> target = find_target(path);
    if (!target) {
        return Result::fail(target.error());
    }
    const DirectoryAndName parts = split(target->path);
    std::unique_ptr<SafeFile> file(new SafeFile());
    file->m_target = target->path;
    file->m_exists = target->exists;
    file->m_device = target->status.st_dev;
    file->m_inode = target->status.st_ino;
    if (char* resolved = ::realpath(parts.directory.c_str(), nullptr)) {
        file->m_resolved = std::string(resolved) + "/" + parts.name;
        std::free(resolved);
    }

    // The temporary file beside the target: a fresh name, created exclusively, never through a link.
    for (int attempt = 0; attempt < max_name_attempts && file->m_fd < 0; ++attempt) {
        file->m_temporary = fmt::format("{}/{}.{}.tmp", parts.directory, parts.name, random_suffix());
        file->m_fd = ::open(file->m_temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                            S_IRUSR | S_IWUSR);
        if (file->m_fd < 0 && errno != EEXIST) {
            break;
        }
    }
    if (file->m_fd < 0) {
        const std::string why = errno == EEXIST ? "no free temporary name" : system_reason();
        file->m_temporary.clear();
        return Result::fail(fmt::format("{}: cannot create a file in {}: {}", path, parts.directory, why));
    }
    // The old file's owner (when we may give it) and mode, so a 0600 report stays 0600.
    const struct stat& old = target->status;
    if (target->exists && (old.st_uid != ::geteuid() || old.st_gid != ::getegid())) {
        [[maybe_unused]] const int ignored = ::fchown(file->m_fd, old.st_uid, old.st_gid);
    }
    ::fchmod(file->m_fd, final_mode(target->exists, old));
    return Result::ok(std::move(file));
}

SafeFile::~SafeFile() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
    if (!m_committed && !m_temporary.empty()) {
        ::unlink(m_temporary.c_str());
    }
}

void SafeFile::commit() {
    if (m_committed) {
        return;
    }
    const auto fail = [this](const std::string& what) {
        throw Error(fmt::format("cannot write {}: {}", m_target, what));
    };
    // Flushed before the rename, so a crash right after it never leaves an empty file under the old name.
    if (::fsync(m_fd) != 0 && errno != EINVAL) {
        fail(system_reason());
    }
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
        fail(system_reason());
    }
    // What is at the target now must still be a file we may replace (a symlink planted meanwhile is itself
    // replaced by rename, never followed).
    struct stat status {};
    if (::lstat(m_target.c_str(), &status) == 0 && !S_ISREG(status.st_mode) && !S_ISLNK(status.st_mode)) {
        fail(fmt::format("it became {}", kind_of(status.st_mode)));
    }
    if (std::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
        fail(system_reason());
    }
    m_committed = true;
}

bool SafeFile::same_target(const SafeFile& other) const {
    if (m_exists && other.m_exists) {
        return m_device == other.m_device && m_inode == other.m_inode;
    }
    if (m_exists != other.m_exists) {
        return false;
    }
    return m_resolved.empty() ? m_target == other.m_target : m_resolved == other.m_resolved;
}

}  // namespace leakdemo
