// The one-line failure message and the exit-code table.
#include "client/failure.hpp"

#include "client/upload_packets.hpp"
#include "core/wire_error.hpp"
#include "net/curl_error.hpp"

#include <gtest/gtest.h>

namespace bits::client {
namespace {

net::response error_ack(unsigned status, std::string code, std::string context = "0x5") {
  net::response r;
  r.status = status;
  r.headers = {
      {"BITS-Packet-Type", "Ack"}, {"BITS-Error-Code", code}, {"BITS-Error-Context", context}};
  return r;
}

TEST(Failure, ServerErrorNamesTheBitsError) {
  auto const f = failure_from_response(error_ack(500, "0x80200020"), "Fragment bytes 0-9/10");
  EXPECT_EQ(describe(f),
            "BG_E_TOO_LARGE (0x80200020), context 0x5, HTTP 500, Fragment bytes 0-9/10");
  EXPECT_FALSE(f.transient);
  EXPECT_EQ(exit_code_of(f), exit_code::refused);
}

TEST(Failure, LowerCaseAndSpecSpellingAreUnderstood) {
  net::response r;
  r.status = 500;
  r.headers = {{"BITS-Error", "x8020001f"}, {"BITS-Error-Context", "0x5"}};
  EXPECT_TRUE(is_session_not_found(r));
}

TEST(Failure, BareStatusBecomesHttpErrorHresult) {
  net::response r;
  r.status = 404;
  auto const f = failure_from_response(r, "Create-Session");
  EXPECT_EQ(describe(f), "BG_E_HTTP_ERROR_404 (0x80190194), HTTP 404, Create-Session");
}

TEST(Failure, AuthenticationFailureNamesTheOfferedSchemes) {
  net::response r;
  r.status = 401;
  r.headers = {{"WWW-Authenticate", "Negotiate"}, {"www-authenticate", "NTLM"}};
  auto f = failure_from_response(r, "Ping");
  EXPECT_EQ(describe(f),
            "BG_E_HTTP_ERROR_401 (0x80190191), HTTP 401, Ping; authentication offered: "
            "Negotiate, NTLM");
  EXPECT_EQ(exit_code_of(f), exit_code::refused);
  r.status = 407;
  r.headers = {{"Proxy-Authenticate", "Basic realm=\"proxy\""}};
  f = failure_from_response(r, "Ping");
  EXPECT_EQ(f.detail, "proxy authentication offered: Basic");
  r.headers.clear();
  EXPECT_EQ(failure_from_response(r, "Ping").detail, "proxy authentication offered: none named");
}

TEST(Failure, ServerErrorsAreTransientPerStatus) {
  EXPECT_TRUE(failure_from_response(error_ack(503, "0x801901F7"), "x").transient);
  EXPECT_TRUE(failure_from_response(error_ack(500, "0x80070070"), "x").transient);  // disk full
  EXPECT_FALSE(failure_from_response(error_ack(500, "0x80070057"), "x").transient);
  EXPECT_FALSE(failure_from_response(error_ack(501, "0x80070005"), "x").transient);
  EXPECT_EQ(exit_code_of(failure_from_response(error_ack(503, "0x801901F7"), "x")),
            exit_code::gave_up);
}

TEST(Failure, UnknownHresultIsPrintedInHex) {
  auto const f = failure_from_response(error_ack(500, "0x80071234", "0x7"), "Fragment");
  EXPECT_EQ(describe(f), "HRESULT (0x80071234), context 0x7, HTTP 500, Fragment");
}

TEST(Failure, TransportErrorsUseCurlText) {
  failure f;
  f.ec = net::make_curl_error(7);
  f.where = "Ping";
  f.transient = true;
  f.detail = "gave up after 3 attempts in 1s (--retry-for)";
  EXPECT_EQ(
      describe(f),
      "Couldn't connect to server (curl 7), Ping; gave up after 3 attempts in 1s (--retry-for)");
  EXPECT_EQ(exit_code_of(f), exit_code::gave_up);
}

TEST(Failure, ExitCodes) {
  auto code = [](errc e, bool transient = false) {
    failure f;
    f.ec = make_error_code(e);
    f.transient = transient;
    return exit_code_of(f);
  };
  EXPECT_EQ(code(errc::cancelled), 130);
  EXPECT_EQ(code(errc::local_file_changed), 3);
  EXPECT_EQ(code(errc::local_file_error), 3);
  EXPECT_EQ(code(errc::state_locked), 2);
  EXPECT_EQ(code(errc::invalid_url), 2);
  EXPECT_EQ(code(errc::invalid_server_response), 6);
  EXPECT_EQ(code(errc::insufficient_range_support), 6);
  EXPECT_EQ(code(errc::server_error), 4);
  EXPECT_EQ(code(errc::server_error, true), 5);
  failure tls;
  tls.ec = net::make_curl_error(60);
  EXPECT_EQ(exit_code_of(tls), 7);
}

TEST(Failure, ClientSideBitsErrorsCarryTheirHresult) {
  EXPECT_EQ(hresult_of(errc::local_file_changed), core::hresult::local_file_changed);
  EXPECT_EQ(hresult_of(errc::protocol_mismatch), core::hresult::protocol_mismatch);
  EXPECT_EQ(hresult_of(errc::missing_file_size), 0x80200011u);
  EXPECT_FALSE(hresult_of(errc::cancelled));
}

}  // namespace
}  // namespace bits::client
