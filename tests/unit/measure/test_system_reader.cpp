// LiveSystemReader: whole files under an optional root, the system's reason when one cannot be read.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "measure/system_reader.hpp"

namespace leakdemo {
namespace {

// A directory under /tmp standing in for "/", with one file /proc/meminfo in it; removed at the end.
class FakeRoot {
  public:
    explicit FakeRoot(const std::string& meminfo) {
        char name[] = "/tmp/leakdemo_root_XXXXXX";
        EXPECT_NE(::mkdtemp(name), nullptr);
        m_root = name;
        EXPECT_EQ(::mkdir((m_root + "/proc").c_str(), 0700), 0);
        std::FILE* file = std::fopen(path().c_str(), "w");
        EXPECT_NE(file, nullptr);
        if (file != nullptr) {
            std::fputs(meminfo.c_str(), file);
            std::fclose(file);
        }
    }
    ~FakeRoot() {
        std::remove(path().c_str());
        ::rmdir((m_root + "/proc").c_str());
        ::rmdir(m_root.c_str());
    }
    FakeRoot(const FakeRoot&) = delete;
    FakeRoot& operator=(const FakeRoot&) = delete;
    const std::string& root() const { return m_root; }
    std::string path() const { return m_root + "/proc/meminfo"; }

  private:
    std::string m_root;
};

TEST(LiveSystemReader, ReadsTheWholeFileUnderItsRoot) {
    // Longer than the reader's 4 KiB buffer, so the loop must append more than one read.
    std::string text;
    for (int i = 0; i < 400; ++i) {
        text += "Line" + std::to_string(i) + ":   " + std::to_string(i * 7) + " kB\n";
    }
    ASSERT_GT(text.size(), 4096U);
    const FakeRoot root(text);
    const LiveSystemReader reader(root.root());
    const auto read = reader.read_file("/proc/meminfo");
    ASSERT_TRUE(read) << read.error();
    EXPECT_EQ(*read, text);
}

TEST(LiveSystemReader, AnUnreadableFileGivesTheSystemsReason) {
    const FakeRoot root("MemAvailable: 1 kB\n");
    const LiveSystemReader reader(root.root());
    const auto missing = reader.read_file("/proc/no_such_file");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), "No such file or directory");
}

TEST(LiveSystemReader, TheProcessWideReaderIsTheRealSystem) {
    const auto status = live_system_reader().read_file("/proc/self/status");
    ASSERT_TRUE(status) << status.error();
    EXPECT_NE(status->find("\nVmHWM:"), std::string::npos);
}

}  // namespace
}  // namespace leakdemo
