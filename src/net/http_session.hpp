// One libcurl easy handle reused for every request of a job, so the connection (and any
// connection-bound NTLM/Negotiate authentication) is kept alive between packets, as
// Windows does. Blocking; one request at a time; not thread-safe.
#pragma once

#include "core/error.hpp"
#include "net/http_options.hpp"
#include "net/http_types.hpp"

#include <cstdint>
#include <functional>
#include <memory>

namespace bits::net {

/// Called while a request runs with the request and response body bytes moved so far;
/// return false to abort the transfer (the exchange then fails with
/// is_aborted_by_callback). Called at least once a second.
using progress_hook = std::function<bool(std::uint64_t sent, std::uint64_t received)>;

/// Initialises libcurl for the process; later calls only return the first result.
/// http_session::create calls it too; a multi-threaded program calls it from main
/// before its threads start.
boost::system::error_code global_init();

class http_session {
 public:
  /// A session with `options`. Error: a curl error when libcurl cannot be initialised
  /// or rejects an option (e.g. an unsupported auth mode).
  [[nodiscard]] static result<std::unique_ptr<http_session>> create(http_options const& options);

  ~http_session();
  http_session(http_session const&) = delete;
  http_session& operator=(http_session const&) = delete;

  /// Sends `req` and waits for the complete response. Only transport failures are
  /// errors (curl category, or the sink's write() error); any HTTP status is a
  /// response. Headers are those of the final response (interim 100 and 401 challenges
  /// answered by libcurl are dropped).
  [[nodiscard]] result<response> perform(request const& req, progress_hook const& hook = {});

 private:
  struct impl;
  explicit http_session(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
};

}  // namespace bits::net
