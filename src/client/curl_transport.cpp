// transport over net::http_session.
#include "client/transport.hpp"

#include "client/failure.hpp"
#include "net/curl_error.hpp"
#include "net/http_session.hpp"

namespace bits::client {
namespace {

class curl_transport final : public transport {
 public:
  explicit curl_transport(std::unique_ptr<net::http_session> session)
      : session_(std::move(session)) {}

  result<net::response> exchange(net::request const& request,
                                 transfer_progress const& progress) override {
    bool stopped = false;
    net::progress_hook hook = [&](std::uint64_t sent, std::uint64_t received) {
      if (!progress || progress(sent, received)) return true;
      stopped = true;
      return false;
    };
    auto r = session_->perform(request, hook);
    if (!r && stopped && net::is_aborted_by_callback(r.error())) {
      return make_error_code(errc::cancelled);
    }
    return r;
  }

 private:
  std::unique_ptr<net::http_session> session_;
};

}  // namespace

result<std::unique_ptr<transport>> make_curl_transport(net::http_options const& options) {
  auto session = net::http_session::create(options);
  if (!session) return session.error();
  return std::unique_ptr<transport>(std::make_unique<curl_transport>(std::move(*session)));
}

}  // namespace bits::client
