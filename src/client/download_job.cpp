// The download job: HEAD, then ranged GETs into the local file until it has every byte.
#include "client/download_job.hpp"

#include "client/job_internal.hpp"
#include "client/job_state.hpp"
#include "client/upload_packets.hpp"
#include "core/content_range.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace bits::client {
namespace {

boost::system::error_code errno_code() {
  return {errno, boost::system::system_category()};
}

failure local_failure(boost::system::error_code const& ec, std::filesystem::path const& file) {
  failure f;
  f.ec = make_error_code(errc::local_file_error);
  f.detail = file.string() + ": " + ec.message();
  return f;
}

/// The response body of a ranged GET, written at its offset in the local file.
class range_writer final : public net::body_writer {
 public:
  range_writer(int fd, std::uint64_t offset, std::uint64_t total) noexcept
      : fd_(fd), offset_(offset), total_(total), end_(total) {}

  net::body_decision start(unsigned status, net::header_list const& headers) override {
    if (status == 200) {  // the whole file despite Range: refuse, don't read it
      range_ignored_ = true;
      return net::body_decision::abort;
    }
    if (status != 206) return net::body_decision::discard;
    // Content-Range must start at the first byte asked for, of a file of the size the
    // HEAD reported; anything else means the file changed (or a broken server). It may
    // end before the last byte asked for: the next GET asks for the rest.
    bool matches = false;
    if (auto const cr = net::find_header(headers, "Content-Range")) {
      auto const range = core::parse_content_range(*cr);
      matches = range && range->first == offset_ && range->total == total_;
      if (matches) end_ = range->end();
    }
    if (matches) return net::body_decision::accept;
    range_mismatch_ = true;
    return net::body_decision::abort;
  }

  boost::system::error_code write(std::span<char const> bytes) override {
    if (offset_ + bytes.size() > end_) {  // more than the Content-Range promised
      overrun_ = true;
      return make_error_code(errc::invalid_server_response);
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t const n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                                 static_cast<off_t>(offset_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errno_code();
      done += static_cast<std::size_t>(n);
    }
    offset_ += bytes.size();
    written_ += bytes.size();
    return {};
  }

  [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }
  [[nodiscard]] std::uint64_t written() const noexcept { return written_; }
  [[nodiscard]] bool range_ignored() const noexcept { return range_ignored_; }
  [[nodiscard]] bool range_mismatch() const noexcept { return range_mismatch_; }
  [[nodiscard]] bool overrun() const noexcept { return overrun_; }

 private:
  int fd_;
  std::uint64_t offset_;
  std::uint64_t total_;
  std::uint64_t end_;  ///< one past the last byte the Content-Range announced
  std::uint64_t written_ = 0;
  bool overrun_ = false;
  bool range_ignored_ = false;
  bool range_mismatch_ = false;
};

class download_job {
 public:
  download_job(transport& t, download_options const& o, job_hooks const& h)
      : t_(t),
        o_(o),
        h_(h),
        clk_(h.time != nullptr ? *h.time : default_clock()),
        retry_(o.retry, clk_, detail::seed_or_random(h.seed)) {}

  ~download_job() {
    if (fd_ >= 0) ::close(fd_);
  }
  download_job(download_job const&) = delete;
  download_job& operator=(download_job const&) = delete;

  download_result run();

 private:
  std::optional<failure> prepare();
  std::optional<failure> do_head();
  std::optional<failure> do_get();
  std::optional<failure> finish();
  std::optional<failure> reconcile_local(download_state const& remote);
  void report() const;
  void event(std::string const& line) const {
    if (h_.on_event) h_.on_event(line);
  }

  transport& t_;
  download_options const& o_;
  job_hooks const& h_;
  clock& clk_;
  retry_tracker retry_;
  std::optional<state_file> state_;
  std::optional<download_state> saved_;
  int fd_ = -1;
  bool have_head_ = false;
  bool done_ = false;
  unsigned empty_partials_ = 0;  ///< consecutive 206 answers that brought no byte
  std::uint64_t total_ = 0;
  std::uint64_t offset_ = 0;
  download_summary summary_;
};

void download_job::report() const {
  if (!h_.on_progress) return;
  progress_info p;
  p.phase = job_phase::downloading;
  p.bytes_done = offset_;
  p.bytes_total = total_;
  p.retries = retry_.total_failures();
  h_.on_progress(p);
}

std::optional<failure> download_job::prepare() {
  if (!o_.state_path.empty()) {
    auto sf = state_file::open(o_.state_path);
    if (!sf) return failure{sf.error(), 0, {}, {}, "", o_.state_path.string(), false};
    auto loaded = sf->load_download();
    if (!loaded) return failure{loaded.error(), 0, {}, {}, "", o_.state_path.string(), false};
    if (*loaded && (*loaded)->url == o_.url) saved_ = **loaded;
    state_.emplace(std::move(*sf));
  }
  fd_ = ::open(o_.file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return local_failure(errno_code(), o_.file);
  return std::nullopt;
}

// Reference 10: the size comes from HEAD (missing -> BG_E_MISSING_FILE_SIZE); size and
// date tell whether a partial file from an earlier run belongs to this remote file.
std::optional<failure> download_job::do_head() {
  net::request req;
  req.method = "HEAD";
  req.url = o_.url;
  req.headers.emplace_back("Accept-Encoding", "identity");
  event("> HEAD " + o_.url);
  auto r =
      t_.exchange(req, [this](std::uint64_t, std::uint64_t) { return !h_.stop.stop_requested(); });
  if (!r) return detail::transport_failure(r.error(), "HEAD");
  event("< " + std::to_string(r->status) +
        " Content-Length: " + std::string(r->header("Content-Length").value_or("(none)")));
  if (r->status != 200) return failure_from_response(*r, "HEAD");
  auto const cl = r->header("Content-Length");
  auto const size = cl ? core::parse_decimal_u64(*cl) : std::nullopt;
  if (!size) return protocol_failure(*r, "HEAD", "no Content-Length", errc::missing_file_size);
  download_state remote;
  remote.url = o_.url;
  remote.file = o_.file.string();
  remote.size = *size;
  remote.last_modified = std::string(r->header("Last-Modified").value_or(""));
  remote.etag = std::string(r->header("ETag").value_or(""));
  total_ = *size;
  if (auto f = reconcile_local(remote)) return f;
  have_head_ = true;
  retry_.progress();
  report();
  return std::nullopt;
}

std::optional<failure> download_job::reconcile_local(download_state const& remote) {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return local_failure(errno_code(), o_.file);
  auto local = static_cast<std::uint64_t>(st.st_size);
  bool const replaced = saved_ && !(*saved_ == remote);
  if (replaced || local > total_) {
    // Another remote file than the one the partial bytes came from: start over.
    event("! local file does not match the remote file; starting from 0");
    if (::ftruncate(fd_, 0) != 0) return local_failure(errno_code(), o_.file);
    local = 0;
  }
  if (!have_head_ && summary_.restarts == 0) summary_.resumed_from = local;
  offset_ = local;
  if (state_ && !(saved_ && *saved_ == remote)) {
    if (auto ec = state_->save(remote, true)) return local_failure(ec, state_->path());
  }
  saved_ = remote;
  return std::nullopt;
}

std::optional<failure> download_job::do_get() {
  if (offset_ >= total_) {
    done_ = true;
    return std::nullopt;
  }
  range_writer sink(fd_, offset_, total_);
  net::request req;
  req.method = "GET";
  req.url = o_.url;
  std::string const range = "bytes=" + std::to_string(offset_) + "-" + std::to_string(total_ - 1);
  req.headers.emplace_back("Range", range);
  req.headers.emplace_back("Accept-Encoding", "identity");
  req.sink = &sink;
  event("> GET " + o_.url + " Range: " + range);
  std::uint64_t const base = offset_;
  auto r = t_.exchange(req, [&](std::uint64_t, std::uint64_t) {
    offset_ = sink.offset();
    report();
    return !h_.stop.stop_requested();
  });
  offset_ = sink.offset();
  summary_.bytes_received += sink.written();
  if (offset_ > base) retry_.progress();  // bytes arrived: a new failure run starts later
  std::string const where = "GET " + range;
  if (!r) {
    if (h_.stop.stop_requested()) return detail::cancelled_failure();
    if (sink.overrun()) {
      failure f;
      f.ec = make_error_code(errc::invalid_server_response);
      f.hresult = hresult_of(errc::invalid_server_response);
      f.where = where;
      f.detail = "a 206 body longer than its Content-Range";
      return f;
    }
    return detail::transport_failure(r.error(), where);
  }
  event("< " + std::to_string(r->status) + " " +
        std::string(r->header("Content-Range").value_or("")));
  if (sink.range_ignored()) {
    return protocol_failure(*r, where, "answered 200 to a ranged GET",
                            errc::insufficient_range_support);
  }
  if (sink.range_mismatch() || r->status == 416) {
    // The remote file is not what HEAD described any more: look again, maybe restart.
    if (++summary_.restarts > o_.max_restarts) {
      return protocol_failure(*r, where, "the remote file keeps changing",
                              errc::remote_file_changed);
    }
    have_head_ = false;
    return std::nullopt;
  }
  if (r->status != 206) return failure_from_response(*r, where);
  // A 206 may be shorter than asked (the loop asks for the rest), but one that brings
  // nothing, again and again, would loop forever.
  empty_partials_ = offset_ > base ? 0 : empty_partials_ + 1;
  if (empty_partials_ > 2) return protocol_failure(*r, where, "206 answers without body bytes");
  report();
  return std::nullopt;
}

// BITS verifies the size of the finished file; fsync so "done" survives a crash.
std::optional<failure> download_job::finish() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return local_failure(errno_code(), o_.file);
  if (static_cast<std::uint64_t>(st.st_size) != total_) {
    failure f;
    f.ec = make_error_code(errc::remote_file_changed);
    f.detail =
        "downloaded " + std::to_string(st.st_size) + " bytes, expected " + std::to_string(total_);
    return f;
  }
  if (::fsync(fd_) != 0) return local_failure(errno_code(), o_.file);
  if (state_) state_->remove();
  return std::nullopt;
}

download_result download_job::run() {
  auto const started = clk_.now();
  download_result result;
  result.error = prepare();
  while (!result.error && !done_) {
    if (h_.stop.stop_requested()) {
      result.error = detail::cancelled_failure();
      break;
    }
    auto f = have_head_ ? do_get() : do_head();
    if (!f) continue;
    if (f->ec == make_error_code(errc::cancelled) || !f->transient ||
        !detail::wait_for_retry(retry_, *f, h_, clk_,
                                {job_phase::downloading, offset_, total_, 0, {}, {}})) {
      result.error = std::move(f);
    }
  }
  if (!result.error) result.error = finish();
  summary_.bytes = total_;
  summary_.retries = retry_.total_failures();
  summary_.duration = std::chrono::duration_cast<std::chrono::microseconds>(clk_.now() - started);
  result.summary = summary_;
  if (!result.error && h_.on_progress) {
    h_.on_progress({job_phase::done, total_, total_, summary_.retries, {}, {}});
  }
  return result;
}

}  // namespace

download_result run_download(transport& t, download_options const& options,
                             job_hooks const& hooks) {
  download_job job(t, options, hooks);
  return job.run();
}

}  // namespace bits::client
