// Upload-reply (reference 7): the notification the service asks for at the last byte,
// what it makes of the application's answer, and the reply tokens that let the client
// fetch the reply until the session ends.
#include "service_fixture.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace bits::service::testing {
namespace {

constexpr std::string_view reply_prefix = "http://127.0.0.1/up/.bits-reply/";

class reply_test : public service_test {
 public:
  void SetUp() override {
    vdir_policy p;
    p.notification_type = notification_type::by_reference;
    p.notification_url = "/app/notify";
    p.session_timeout = std::chrono::seconds(100);
    start(p);
  }

  /// Sends "helloworld" whole as the last fragment of f.bin and answers the
  /// notification with `response`; the Ack.
  core::reply upload(core::session_id const& id, notification_response const& response) {
    auto out = start_fragment(id, "f.bin", 0, 10, 10);
    if (!out.job) return out.reply;
    EXPECT_FALSE(out.job->write(bytes("helloworld")));
    EXPECT_TRUE(out.job->needs_notification());
    auto request = out.job->notification();
    if (!request) return out.job->fail(request.error());
    last_request = *request;
    return out.job->finish_notified(response);
  }

  /// The token at the end of a reply URL of this directory, or "".
  static std::string token_of(core::reply const& r) {
    auto const url = r.header(core::header::reply_url).value_or("");
    if (!url.starts_with(reply_prefix)) return {};
    return std::string(url.substr(reply_prefix.size()));
  }

  notification_request last_request;
};

TEST_F(reply_test, last_byte_asks_the_application_with_the_uploaded_file) {
  auto const id = created("f.bin");
  ASSERT_TRUE(acks(upload(id, {}), {200, no_code, 10}));
  EXPECT_EQ(last_request.type, notification_type::by_reference);
  EXPECT_EQ(last_request.url, "http://127.0.0.1/app/notify");
  EXPECT_EQ(last_request.original_url, "http://127.0.0.1/up/f.bin");
  EXPECT_EQ(last_request.request_file, "/memory-spool/" + id.to_hex() + "/data");
  EXPECT_EQ(last_request.response_file, "/memory-spool/" + id.to_hex() + "/reply");
  EXPECT_FALSE(published("f.bin")) << "handed to the application, not stored";
}

TEST_F(reply_test, reply_url_names_an_unguessable_token_that_opens_the_reply) {
  auto const id = created("f.bin");
  auto const r = upload(id, {});
  ASSERT_TRUE(acks(r, {200, no_code, 10}));
  auto const token = token_of(r);
  ASSERT_EQ(token.size(), 32U) << r.header(core::header::reply_url).value_or("");
  EXPECT_TRUE(std::all_of(token.begin(), token.end(), [](char c) { return std::isxdigit(c); }));
  EXPECT_NE(token, id.to_hex());
  EXPECT_TRUE(svc_->open_reply(token));
  auto const unknown = svc_->open_reply(std::string(32, '0'));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), error::session_not_found);
}

TEST_F(reply_test, retransmitted_last_fragment_gets_the_same_reply_url) {
  auto const id = created("f.bin");
  auto const first = upload(id, {});
  ASSERT_TRUE(acks(first, {200, no_code, 10}));
  auto const again = fragment(id, "f.bin", 5, "world", 10);
  EXPECT_TRUE(acks(again, {200, no_code, 10}));
  EXPECT_EQ(again.header(core::header::reply_url), first.header(core::header::reply_url));
}

TEST_F(reply_test, static_reply_url_is_handed_on_without_a_token) {
  auto const id = created("f.bin");
  notification_response response;
  response.static_url = "https://app.example/replies/7";
  auto const r = upload(id, response);
  ASSERT_TRUE(acks(r, {200, no_code, 10}));
  EXPECT_EQ(r.header(core::header::reply_url), "https://app.example/replies/7");
}

TEST_F(reply_test, copy_to_destination_publishes_the_file_too) {
  auto const id = created("f.bin");
  notification_response response;
  response.copy_to_destination = true;
  ASSERT_TRUE(acks(upload(id, response), {200, no_code, 10}));
  EXPECT_EQ(published("f.bin"), "helloworld");
}

/// How a session ends after it replied.
enum class end_by { close, cancel, expiry };

class reply_after_end : public reply_test, public ::testing::WithParamInterface<end_by> {};

TEST_P(reply_after_end, is_no_longer_served) {
  auto const id = created("f.bin");
  auto const token = token_of(upload(id, {}));
  ASSERT_FALSE(token.empty());
  switch (GetParam()) {
    case end_by::close:
      ASSERT_TRUE(acks(close(id, "f.bin"), {200}));
      break;
    case end_by::cancel:
      ASSERT_TRUE(acks(cancel(id, "f.bin"), {200}));
      break;
    case end_by::expiry:
      advance(101);  // the reply is refused at once, before any cleanup ran
      break;
  }
  auto const reply = svc_->open_reply(token);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error(), error::session_not_found);
}

INSTANTIATE_TEST_SUITE_P(table, reply_after_end,
                         ::testing::Values(end_by::close, end_by::cancel, end_by::expiry),
                         [](auto const& row) {
                           switch (row.param) {
                             case end_by::close:
                               return std::string("close");
                             case end_by::cancel:
                               return std::string("cancel");
                             case end_by::expiry:
                               break;
                           }
                           return std::string("expiry");
                         });

TEST_F(reply_test, reply_tokens_survive_a_restart) {
  auto const id = created("f.bin");
  auto const token = token_of(upload(id, {}));
  ASSERT_FALSE(token.empty());
  SetUp();
  ASSERT_TRUE(svc_->recover());
  EXPECT_TRUE(svc_->open_reply(token));
}

/// An answer of the application that fails the upload, and the Ack the client gets.
struct refused_answer {
  std::string_view name;
  notification_response response;
  unsigned status;
  std::string_view code;
};

void PrintTo(refused_answer const& c, std::ostream* out) {
  *out << c.name;
}

notification_response answered(notification_response::outcome what, unsigned status = 200,
                               std::string static_url = {},
                               std::optional<std::uint32_t> app_error = std::nullopt) {
  notification_response r;
  r.what = what;
  r.status = status;
  r.static_url = std::move(static_url);
  r.app_error = app_error;
  return r;
}

using answer = notification_response::outcome;

class application_refusal : public reply_test,
                            public ::testing::WithParamInterface<refused_answer> {};

TEST_P(application_refusal, fails_the_upload_but_keeps_every_byte) {
  auto const& c = GetParam();
  auto const id = created("f.bin");
  auto const r = upload(id, c.response);
  EXPECT_EQ(r.status, c.status);
  EXPECT_EQ(r.header(core::header::error_code), c.code);
  EXPECT_EQ(r.header(core::header::error_context), "0x7");
  EXPECT_EQ(r.header(core::header::received_content_range), "10");
  EXPECT_FALSE(r.header(core::header::reply_url));
  // The resent last fragment asks the application again.
  EXPECT_TRUE(acks(upload(id, {}), {200, no_code, 10}));
}

INSTANTIATE_TEST_SUITE_P(
    table, application_refusal,
    ::testing::Values(
        refused_answer{"application_error_status", answered(answer::failed, 500), 500,
                       "0x801901F4"},
        refused_answer{"application_error_code", answered(answer::failed, 403, {}, 0x80070005U),
                       403, "0x80070005"},
        refused_answer{"unreachable", answered(answer::unreachable), 503, "0x801901F7"},
        refused_answer{"timed_out", answered(answer::timed_out), 408, "0x80190198"},
        refused_answer{"malformed_answer", answered(answer::malformed), 400, e_invalidarg},
        refused_answer{"static_url_over_2200_characters",
                       answered(answer::ok, 200, "https://a/" + std::string(2191, 'x')), 400,
                       e_invalidarg},
        refused_answer{"static_url_with_a_control_character",
                       answered(answer::ok, 200, "https://a/\rSet-Cookie: x"), 400, e_invalidarg}),
    [](auto const& row) { return std::string(row.param.name); });

TEST_F(reply_test, static_url_of_2200_characters_is_accepted) {
  auto const id = created("f.bin");
  std::string const url = "https://a/" + std::string(2190, 'x');
  auto const r = upload(id, answered(answer::ok, 200, url));
  ASSERT_TRUE(acks(r, {200, no_code, 10}));
  EXPECT_EQ(r.header(core::header::reply_url), url);
}

TEST_F(reply_test, reply_that_cannot_be_reset_fails_with_its_cause) {
  auto const id = created("f.bin");
  fail_next(test::store_call::reset_reply, status::from_errno("remove reply", EACCES));
  auto const r = upload(id, {});
  EXPECT_TRUE(acks(r, {500, e_fail, 10}));
  EXPECT_EQ(r.cause, "remove reply: Permission denied");
  EXPECT_TRUE(acks(upload(id, {}), {200, no_code, 10}));
}

}  // namespace
}  // namespace bits::service::testing
