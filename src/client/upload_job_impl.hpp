// The upload job's state machine; internal to the library (upload_job.cpp holds the
// driving loop and the state handling, upload_steps.cpp one function per packet).
#pragma once

#include "client/fragment_sizer.hpp"
#include "client/job_state.hpp"
#include "client/local_file.hpp"
#include "client/upload_job.hpp"
#include "core/content_range.hpp"

#include <optional>
#include <string>

namespace bits::client::detail {

class upload_job {
 public:
  upload_job(transport& t, upload_options const& o, job_hooks const& h);
  upload_result run();

 private:
  enum class phase { create, send, reply, close, done };

  // upload_job.cpp
  std::optional<failure> prepare();
  std::optional<failure> resume_from(upload_state const& saved);
  std::optional<failure> drive();
  bool recover(failure& f);
  void on_connection_failure();
  void use_host_id(std::string const& host_id, std::optional<std::uint64_t> fallback_s);
  void revert_to_original_host();
  std::optional<failure> restart_session(std::string const& why);
  void save(bool durable);
  void report(job_phase p, std::uint64_t in_flight = 0) const;
  void event(std::string const& line) const;
  [[nodiscard]] result<net::response> send(net::request const& req, job_phase p);
  void abandon_session() noexcept;

  // upload_steps.cpp
  std::optional<failure> do_ping();
  std::optional<failure> do_create();
  std::optional<failure> do_fragment();
  std::optional<failure> on_fragment_ack(net::response const& r, core::content_range const& sent);
  std::optional<failure> on_complete(net::response const& r, core::content_range const& sent);
  std::optional<failure> do_reply();
  std::optional<failure> do_close();

  transport& t_;
  upload_options const& o_;
  job_hooks const& h_;
  clock& clk_;
  retry_tracker retry_;
  fragment_sizer sizer_;
  std::optional<local_file> file_;
  std::optional<state_file> state_file_;
  upload_state state_;        ///< what is (or would be) saved; offset = server's N
  std::string content_name_;  ///< file name without directories
  std::string url_;           ///< where packets go now (host id applied)
  phase phase_ = phase::create;
  bool need_ping_ = false;           ///< a new connection (or a resumed session) pings first
  bool fatal_ = false;               ///< the failure at hand must not be retried
  bool reply_resent_ = false;        ///< the final fragment was resent to get a reply URL
  unsigned stalled_acks_ = 0;        ///< consecutive Acks that did not move the offset forward
  std::optional<failure> deferred_;  ///< reported after Close-Session succeeds
  std::optional<clock::time_point> host_failing_since_;
  clock::time_point last_save_{};
  upload_summary summary_;
};

}  // namespace bits::client::detail
