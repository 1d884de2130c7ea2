// A private directory that lives exactly as long as its owner.
#pragma once

#include <filesystem>

namespace bits::test {

/// Creates a fresh directory with mkdtemp under $TMPDIR (or /tmp) and removes it,
/// recursively, on destruction. Move-only. Aborts the test binary when the directory
/// cannot be created (nothing else could work then).
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(temp_dir&& other) noexcept;
  temp_dir& operator=(temp_dir&& other) noexcept;
  temp_dir(temp_dir const&) = delete;
  temp_dir& operator=(temp_dir const&) = delete;

  /// Absolute path of the directory.
  [[nodiscard]] std::filesystem::path const& path() const noexcept { return path_; }

  /// path() / relative.
  [[nodiscard]] std::filesystem::path operator/(std::filesystem::path const& relative) const {
    return path_ / relative;
  }

 private:
  void remove() noexcept;

  std::filesystem::path path_;
};

}  // namespace bits::test
