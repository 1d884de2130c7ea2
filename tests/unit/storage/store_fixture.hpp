// Test fixture for the storage tests: a fresh directory per test (under $TMPDIR or
// /tmp) holding a root and a spool, an open filesystem store, and small file helpers.
#pragma once

#include "core/session_id.hpp"
#include "storage/metadata.hpp"
#include "storage/upload_store.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace bits::storage::testing {

namespace fs = std::filesystem;

/// The errno that caused `s`, 0 when its cause is not an errno.
inline int errno_of(status const& s) {
  auto const& detail = s.why().detail;
  return detail.category() == boost::system::generic_category() ? detail.value() : 0;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char const* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string{tmp != nullptr && *tmp != '\0' ? tmp : "/tmp"} + "/openbits-storage-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    root_ = dir_ / "root";
    spool_ = dir_ / "spool";
    fs::create_directory(root_);
    open_store();
  }

  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// (Re)opens the store on root_ and spool_, as a restarted daemon would.
  void open_store(fs_store_options options = {}) {
    store_.reset();
    auto r = open_fs_store(root_.string(), spool_.string(), options);
    ASSERT_TRUE(r) << r.error();
    store_ = std::move(*r);
  }

  /// A distinct id per call.
  core::session_id next_id() {
    core::session_id::bytes_type b{};
    b[0] = 0xA5;
    b[15] = ++id_counter_;
    return core::session_id{b};
  }

  session_record make_record(std::string destination) {
    session_record r;
    r.id = next_id();
    r.destination = std::move(destination);
    r.principal = "alice";
    r.created = 1'700'000'000;
    r.last_activity = 1'700'000'000;
    return r;
  }

  /// Creates the session and writes `bytes` at 0; the record says they are received.
  session_record create_with(std::string destination, std::string_view bytes) {
    auto r = make_record(std::move(destination));
    r.total = bytes.size();
    EXPECT_FALSE(store_->create(r));
    write(r.id, 0, bytes);
    r.received = bytes.size();
    return r;
  }

  void write(core::session_id const& id, std::uint64_t offset, std::string_view bytes) {
    auto w = store_->open_data(id);
    ASSERT_TRUE(w);
    EXPECT_FALSE((*w)->write_at(offset, std::as_bytes(std::span{bytes.data(), bytes.size()})));
  }

  fs::path entry(core::session_id const& id) const { return spool_ / id.to_hex(); }

  static std::string read_file(fs::path const& p) {
    std::ifstream in{p, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  }

  static void write_file(fs::path const& p, std::string_view text) {
    std::ofstream out{p, std::ios::binary | std::ios::trunc};
    out << text;
  }

  /// Replaces the session's meta.json with one holding only `meta` (as version 1), as
  /// the store writes it.
  void write_metadata(core::session_id const& id, detail::stored_metadata const& meta) const {
    write_file(entry(id) / "meta.json", detail::encode_meta_slot(meta, 1));
  }

  fs::path dir_;
  fs::path root_;
  fs::path spool_;
  std::unique_ptr<upload_store> store_;
  std::uint8_t id_counter_ = 0;
};

}  // namespace bits::storage::testing
