// Downloads (reference 10): HEAD for the size, ranged GETs, resume of a partial file,
// refusal of servers that ignore Range, restart when the remote file changed.
#include "client/download_job.hpp"

#include "client/failure.hpp"
#include "client/job_state.hpp"
#include "net/curl_error.hpp"
#include "unit/client/job_fixture.hpp"

namespace bits::client::test {
namespace {

class DownloadJob : public job_test {
 protected:
  std::string const src = "http://files.test/pub/data.bin";

  download_options options() const {
    download_options o;
    o.url = src;
    o.file = tmp / "out.bin";
    o.state_path = tmp / "download.json";
    o.retry = {std::chrono::minutes(1), std::chrono::seconds(1), std::chrono::seconds(30)};
    return o;
  }
  download_result run_dl(download_options const& o) { return run_download(server, o, hooks); }
  std::vector<std::string> ranges() const {
    std::vector<std::string> out;
    for (auto const& e : server.log) {
      if (e.method == "GET") out.push_back(e.header("Range"));
    }
    return out;
  }
};

TEST_F(DownloadJob, HeadThenOneRangedGet) {
  std::string const data = bits::test::random_bytes(100'000, 40);
  server.files[src] = data;
  auto const o = options();
  auto const r = run_dl(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(bits::test::read_file(o.file), data);
  ASSERT_EQ(server.log.size(), 2u);
  EXPECT_EQ(server.log[0].method, "HEAD");
  EXPECT_EQ(ranges(), std::vector<std::string>{"bytes=0-99999"});
  EXPECT_EQ(server.log[1].header("Accept-Encoding"), "identity");
  EXPECT_EQ(r.summary.bytes, 100'000u);
  EXPECT_EQ(r.summary.bytes_received, 100'000u);
  EXPECT_FALSE(std::filesystem::exists(o.state_path));
}

TEST_F(DownloadJob, ResumesAPartialFile) {
  std::string const data = bits::test::random_bytes(100'000, 41);
  server.files[src] = data;
  auto const o = options();
  ASSERT_TRUE(bits::test::write_file(o.file, data.substr(0, 30'000)));
  auto const r = run_dl(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(bits::test::read_file(o.file), data);
  EXPECT_EQ(ranges(), std::vector<std::string>{"bytes=30000-99999"});
  EXPECT_EQ(r.summary.resumed_from, 30'000u);
  EXPECT_EQ(r.summary.bytes_received, 70'000u);
}

TEST_F(DownloadJob, ContinuesAfterAConnectionDropFromTheBytesItHas) {
  std::string const data = bits::test::random_bytes(50'000, 42);
  server.files[src] = data;
  bool dropped = false;
  server.intercept = [&](net::request const& req,
                         std::size_t) -> std::optional<result<net::response>> {
    if (req.method != "GET" || dropped) return std::nullopt;
    dropped = true;  // deliver 20000 bytes, then the connection resets
    net::header_list h{{"Content-Range", "bytes 0-49999/50000"}};
    EXPECT_EQ(req.sink->start(206, h), net::body_decision::accept);
    EXPECT_FALSE(req.sink->write(std::span<char const>(data.data(), 20'000)));
    return net::make_curl_error(56);  // CURLE_RECV_ERROR
  };
  auto const o = options();
  auto const r = run_dl(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(bits::test::read_file(o.file), data);
  EXPECT_EQ(ranges(), (std::vector<std::string>{"bytes=0-49999", "bytes=20000-49999"}));
  EXPECT_EQ(r.summary.retries, 1u);
}

TEST_F(DownloadJob, ShortPartialAnswerContinuesFromWhereItEnded) {
  std::string const data = bits::test::random_bytes(10'000, 48);
  server.files[src] = data;
  server.max_range_bytes = 4000;
  auto const o = options();
  auto const r = run_dl(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(bits::test::read_file(o.file), data);
  EXPECT_EQ(ranges(),
            (std::vector<std::string>{"bytes=0-9999", "bytes=4000-9999", "bytes=8000-9999"}));
  EXPECT_EQ(r.summary.retries, 0u);
  EXPECT_EQ(r.summary.restarts, 0u);
}

TEST_F(DownloadJob, PartialAnswersWithoutBytesFailInsteadOfLooping) {
  server.files[src] = bits::test::random_bytes(1000, 49);
  server.intercept = [](net::request const& req,
                        std::size_t) -> std::optional<result<net::response>> {
    if (req.method != "GET") return std::nullopt;
    net::response empty;  // 206, Content-Length: 0: libcurl never calls the sink
    empty.status = 206;
    empty.headers = {{"Content-Range", "bytes 0-999/1000"}, {"Content-Length", "0"}};
    return empty;
  };
  auto const r = run_dl(options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::invalid_server_response));
  EXPECT_EQ(exit_code_of(*r.error), exit_code::protocol);
  EXPECT_EQ(ranges().size(), 3u);
}

TEST_F(DownloadJob, BodyBeyondItsContentRangeIsAnInvalidResponse) {
  std::string const data = bits::test::random_bytes(1000, 50);
  server.files[src] = data;
  server.intercept = [&](net::request const& req,
                         std::size_t) -> std::optional<result<net::response>> {
    if (req.method != "GET") return std::nullopt;
    net::header_list h{{"Content-Range", "bytes 0-499/1000"}};  // but 1000 bytes follow
    EXPECT_EQ(req.sink->start(206, h), net::body_decision::accept);
    if (auto ec = req.sink->write(std::span<char const>(data.data(), data.size()))) return ec;
    return fake_server::ack(206);
  };
  auto const r = run_dl(options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::invalid_server_response));
  EXPECT_EQ(describe(*r.error),
            "BG_E_INVALID_SERVER_RESPONSE (0x8020001B): invalid server response, GET "
            "bytes=0-999; a 206 body longer than its Content-Range");
  EXPECT_EQ(ranges().size(), 1u) << "not retried";
}

TEST_F(DownloadJob, RefusesAServerThatIgnoresRange) {
  server.files[src] = bits::test::random_bytes(10'000, 43);
  server.ranges = false;
  auto const r = run_dl(options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(describe(*r.error).rfind("BG_E_INSUFFICIENT_RANGE_SUPPORT (0x80200013)", 0), 0u);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::protocol);
  EXPECT_EQ(r.summary.bytes_received, 0u) << "the unranged body is not read";
}

TEST_F(DownloadJob, HeadWithoutSizeIsMissingFileSize) {
  server.files[src] = "abc";
  server.intercept = [](net::request const& req,
                        std::size_t) -> std::optional<result<net::response>> {
    if (req.method != "HEAD") return std::nullopt;
    net::response resp;
    resp.status = 200;
    return resp;
  };
  auto const r = run_dl(options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::missing_file_size));
}

TEST_F(DownloadJob, NotFoundIsPermanent) {
  auto const r = run_dl(options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->http_status, 404u);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::refused);
  EXPECT_TRUE(clk.sleeps.empty());
}

TEST_F(DownloadJob, ReplacedRemoteFileRestartsFromZero) {
  std::string const data = bits::test::random_bytes(20'000, 44);
  server.files[src] = data;
  auto const o = options();
  ASSERT_TRUE(bits::test::write_file(o.file, std::string(5000, 'x')));
  {
    auto sf = state_file::open(o.state_path);
    ASSERT_TRUE(sf);
    download_state old{src, o.file.string(), 20'000, "Mon, 01 Jan 2024 00:00:00 GMT", ""};
    ASSERT_FALSE(sf->save(old, false));
  }
  auto const r = run_dl(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(bits::test::read_file(o.file), data);
  EXPECT_EQ(ranges(), std::vector<std::string>{"bytes=0-19999"});
}

TEST_F(DownloadJob, LocalFileLongerThanRemoteStartsOver) {
  std::string const data = bits::test::random_bytes(1000, 45);
  server.files[src] = data;
  auto const o = options();
  ASSERT_TRUE(bits::test::write_file(o.file, std::string(5000, 'x')));
  auto const r = run_dl(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(bits::test::read_file(o.file), data);
}

TEST_F(DownloadJob, EmptyRemoteFileNeedsNoGet) {
  server.files[src] = "";
  auto const o = options();
  auto const r = run_dl(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_TRUE(ranges().empty());
  EXPECT_TRUE(std::filesystem::exists(o.file));
  EXPECT_EQ(std::filesystem::file_size(o.file), 0u);
}

TEST_F(DownloadJob, CompleteFileIsOnlyVerified) {
  std::string const data = bits::test::random_bytes(1000, 46);
  server.files[src] = data;
  auto const o = options();
  ASSERT_TRUE(bits::test::write_file(o.file, data));
  auto const r = run_dl(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_TRUE(ranges().empty());
  EXPECT_EQ(r.summary.resumed_from, 1000u);
}

TEST_F(DownloadJob, WrongContentRangeMakesItLookAgain) {
  std::string const data = bits::test::random_bytes(1000, 47);
  server.files[src] = data;
  int bad = 0;
  server.after = [&](net::request const& req, std::size_t, net::response& resp) {
    if (req.method == "GET" && bad++ == 0) resp.status = 416;  // file shrank meanwhile
  };
  auto const r = run_dl(options());
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(r.summary.restarts, 1u);
  std::size_t heads = 0;
  for (auto const& e : server.log) heads += e.method == "HEAD";
  EXPECT_EQ(heads, 2u);
}

}  // namespace
}  // namespace bits::client::test
