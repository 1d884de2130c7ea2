// Fixture of the service tests: one upload_service for the virtual directory "/up/" over
// the in-memory store, a clock that moves only when told, packets built from a few
// values, and checks of what a client would read in the Ack.
#pragma once

#include "core/wire_error.hpp"
#include "service/upload_service.hpp"
#include "support/memory_upload_store.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bits::service::testing {

inline constexpr std::int64_t start_time = 1'700'000'000;

/// BITS-Error-Code values as a client reads them.
inline constexpr std::string_view e_invalidarg = "0x80070057";
inline constexpr std::string_view e_accessdenied = "0x80070005";
inline constexpr std::string_view e_fail = "0x80004005";
inline constexpr std::string_view path_not_found = "0x80070003";
inline constexpr std::string_view disk_full = "0x80070070";
inline constexpr std::string_view session_not_found = "0x8020001F";
inline constexpr std::string_view too_large = "0x80200020";
inline constexpr std::string_view busy = "0x801901F7";     ///< 0x80190000 + 503
inline constexpr std::string_view not_contiguous = "0x0";  ///< 416: HRESULT 0 (reference 3.3)
inline constexpr std::string_view no_code = "";            ///< the status alone speaks (413)

/// What an Ack should say: status, BITS-Error-Code (absent on success and where
/// `code` is no_code), and BITS-Received-Content-Range when `received` is set.
struct expected_ack {
  expected_ack(unsigned status_in, std::string_view code_in = no_code,
               std::optional<std::uint64_t> received_in = std::nullopt)
      : status(status_in), code(code_in), received(received_in) {}

  unsigned status;
  std::string_view code;
  std::optional<std::uint64_t> received;
};

/// `r` says exactly what `want` says (an error Ack also carries BITS-Error-Context 0x5).
[[nodiscard]] ::testing::AssertionResult acks(core::reply const& r, expected_ack const& want);

/// The members are public so that table rows can arrange the disk and the service.
class service_test : public ::testing::Test {
 public:
  /// (Re)creates the service with `policy` (its url is set to "/up/") over the disk,
  /// which keeps what an earlier service left (a restart).
  void start(vdir_policy policy = {}, service_options options = {});

  void advance(std::int64_t seconds) { *now_ += seconds; }

  /// One maintenance tick (upload_service::maintain) or the shutdown flush, their jobs
  /// run one after another on this thread.
  void maintain();
  void flush_all();

  /// Handles `p` for /up/`name` ('/' separates folders; "" is the directory itself).
  outcome send(packet const& p, std::string const& name, std::string const& principal = {},
               std::string const& remote = "10.0.0.1:40000");

  core::reply ping();
  /// Create-Session offering the BITS 1.5 protocol (or `protocols`).
  core::reply create(std::string const& name, std::string const& principal = {},
                     std::string const& remote = "10.0.0.1:40000",
                     std::string_view protocols = core::upload_protocol_guid);
  /// create() that must succeed; the session id.
  core::session_id created(std::string const& name, std::string const& principal = {},
                           std::string const& remote = "10.0.0.1:40000");
  /// A Fragment of `length` bytes at `first` of `total`; the body is not sent yet.
  outcome start_fragment(core::session_id const& id, std::string const& name, std::uint64_t first,
                         std::uint64_t length, std::uint64_t total,
                         std::string const& principal = {});
  /// A Fragment with `data` at `first` of `total`, its body sent whole and finished (a
  /// failed write answered as the server does).
  core::reply fragment(core::session_id const& id, std::string const& name, std::uint64_t first,
                       std::string_view data, std::uint64_t total,
                       std::string const& principal = {});
  /// Close-Session or Cancel-Session.
  core::reply end_session(core::packet_type type, core::session_id const& id,
                          std::string const& name, std::string const& principal = {});
  core::reply close(core::session_id const& id, std::string const& name) {
    return end_session(core::packet_type::close_session, id, name);
  }
  core::reply cancel(core::session_id const& id, std::string const& name) {
    return end_session(core::packet_type::cancel_session, id, name);
  }

  /// The published file at `name`, if any.
  [[nodiscard]] std::optional<std::string> published(std::string const& name) const;
  [[nodiscard]] bool in_spool(core::session_id const& id) const;
  /// The offset last saved in the session's spool metadata (0 when it has no entry).
  [[nodiscard]] std::uint64_t saved_received(core::session_id const& id) const;
  /// Publishes `content` at `name` as if an earlier upload had.
  void publish(std::string const& name, std::string_view content);
  /// Creates the folder `name` (relative to the root) on the disk.
  void make_folder(std::string const& name);
  /// Arms a one-shot failure of the next store call `call`.
  void fail_next(test::store_call call, status failure) { disk_->fail(call, std::move(failure)); }

  static std::span<std::byte const> bytes(std::string_view s) {
    return std::as_bytes(std::span(s.data(), s.size()));
  }

  std::shared_ptr<std::int64_t> now_ = std::make_shared<std::int64_t>(start_time);
  std::shared_ptr<test::memory_disk> disk_ = std::make_shared<test::memory_disk>();
  std::vector<std::string> log_;
  std::unique_ptr<upload_service> svc_;
};

}  // namespace bits::service::testing
