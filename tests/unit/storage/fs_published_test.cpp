// Downloads: open_published serves regular files inside the root only, with the same
// confinement as uploads, and readable_file owns its descriptor.
#include "storage/upload_store.hpp"

#include "store_fixture.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace bits::storage::testing {
namespace {

std::string read_all(readable_file const& f) {
  std::string out(static_cast<std::size_t>(f.size()), '\0');
  auto const n = ::pread(f.fd(), out.data(), out.size(), 0);
  EXPECT_EQ(n, static_cast<ssize_t>(out.size()));
  return out;
}

TEST_F(StoreTest, PublishedFileCanBeOpenedForDownload) {
  fs::create_directory(root_ / "sub");
  auto const r = create_with("sub/file.bin", "downloadable");
  ASSERT_FALSE(store_->commit(r, false));
  auto const f = store_->open_published("sub/file.bin");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f->size(), 12U);
  EXPECT_EQ(read_all(*f), "downloadable");
  struct stat st {};
  ASSERT_EQ(::stat((root_ / "sub" / "file.bin").c_str(), &st), 0);
  EXPECT_EQ(f->inode(), st.st_ino);
  EXPECT_EQ(f->mtime_ns(), st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec);
  EXPECT_EQ(::fcntl(f->fd(), F_GETFL) & O_NONBLOCK, 0);
}

TEST_F(StoreTest, MissingPublishedFileIsReported) {
  fs::create_directory(root_ / "sub");
  auto const file = store_->open_published("sub/none.bin");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error(), error::invalid_path);
  auto const folder = store_->open_published("none/x.bin");
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error(), error::parent_not_found);
}

TEST_F(StoreTest, OnlyRegularFilesInsideTheRootAreServed) {
  fs::create_directory(root_ / "dir");
  fs::create_directory(dir_ / "outside");
  write_file(dir_ / "outside" / "secret", "secret");
  fs::create_symlink(dir_ / "outside" / "secret", root_ / "leaf");
  fs::create_directory_symlink(dir_ / "outside", root_ / "link");
  ASSERT_EQ(::mkfifo((root_ / "pipe").c_str(), 0600), 0);  // opening it must not block
  struct case_t {
    char const* path;
    error expected;
  };
  for (auto const& c :
       {case_t{"dir", error::destination_is_directory}, case_t{"", error::destination_is_directory},
        case_t{"leaf", error::forbidden_path}, case_t{"link/secret", error::forbidden_path},
        case_t{"pipe", error::forbidden_path},
        case_t{"../outside/secret", error::forbidden_path}}) {
    auto const f = store_->open_published(c.path);
    ASSERT_FALSE(f) << c.path;
    EXPECT_EQ(f.error(), c.expected) << c.path;
  }
}

TEST_F(StoreTest, SpoolInsideRootIsNeverServed) {
  spool_ = root_ / "uploads-spool";
  open_store();
  auto const r = create_with("x.bin", "in progress");
  std::string const hex = r.id.to_hex();
  for (std::string const& path :
       {"uploads-spool/" + hex + "/data", "uploads-spool/" + hex + "/meta.json"}) {
    auto const f = store_->open_published(path);
    ASSERT_FALSE(f) << path;
    EXPECT_EQ(f.error(), error::forbidden_path) << path;
  }
}

TEST(ReadableFile, OwnsItsDescriptor) {
  int const raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  {
    readable_file a{raw, 0, 0, 0};
    readable_file b{std::move(a)};
    EXPECT_EQ(a.fd(), -1);  // NOLINT(bugprone-use-after-move): moved-from state is specified
    readable_file c;
    c = std::move(b);
    EXPECT_EQ(c.fd(), raw);
    EXPECT_NE(::fcntl(raw, F_GETFD), -1);
  }
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
}

}  // namespace
}  // namespace bits::storage::testing
