// Session ids and reply tokens from getrandom(2), and what happens when the kernel
// refuses it: a seccomp filter on one test thread makes getrandom fail there, as a
// sandbox or an old kernel would, and the service answers instead of spinning.
#include "service/random_id.hpp"
#include "service_fixture.hpp"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <string>
#include <thread>

namespace bits::service::testing {
namespace {

/// Runs `body` on a new thread on which getrandom fails with `err`. False when the
/// filter cannot be installed there (then `body` does not run).
template <class Body>
bool without_getrandom(int err, Body&& body) {
  bool installed = false;
  std::thread thread([&] {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getrandom, 0, 1),
        BPF_STMT(BPF_RET | BPF_K,
                 SECCOMP_RET_ERRNO | (static_cast<unsigned>(err) & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
    // Both apply to this thread only; it ends with the test.
    installed = ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
                ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
    if (installed) body();
  });
  thread.join();
  return installed;
}

TEST(random_id, ids_are_fresh_every_time) {
  auto const a = random_session_id();
  auto const b = random_session_id();
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

struct refusal {
  std::string_view name;
  int err;
  std::string_view cause;
};

void PrintTo(refusal const& c, std::ostream* out) {
  *out << c.name;
}

class getrandom_refused : public ::testing::TestWithParam<refusal> {};

TEST_P(getrandom_refused, is_a_storage_failure_with_its_cause_never_a_spin) {
  auto const& c = GetParam();
  status got;
  if (!without_getrandom(c.err, [&] {
        std::array<std::byte, 16> out{};
        got = fill_random(out);
      })) {
    GTEST_SKIP() << "seccomp filters are not available here";
  }
  EXPECT_EQ(got, error::storage_failure);
  EXPECT_EQ(got.why().text(), c.cause);
}

INSTANTIATE_TEST_SUITE_P(
    table, getrandom_refused,
    ::testing::Values(
        refusal{"interrupted_every_time", EINTR, "getrandom: Interrupted system call"},
        refusal{"would_block_every_time", EAGAIN, "getrandom: Resource temporarily unavailable"},
        refusal{"not_implemented", ENOSYS, "getrandom: Function not implemented"},
        refusal{"not_permitted", EPERM, "getrandom: Operation not permitted"}),
    [](auto const& row) { return std::string(row.param.name); });

TEST_F(service_test, create_session_without_randomness_is_500_with_the_cause) {
  start();
  core::reply r;
  if (!without_getrandom(ENOSYS, [&] { r = create("a.bin"); })) {
    GTEST_SKIP() << "seccomp filters are not available here";
  }
  EXPECT_TRUE(acks(r, {500, e_fail}));
  EXPECT_EQ(r.cause, "getrandom: Function not implemented");
  EXPECT_EQ(svc_->open_sessions(), 0U);
  std::lock_guard lock(disk_->mu);
  EXPECT_TRUE(disk_->spool.empty());
}

TEST_F(service_test, reply_token_without_randomness_fails_the_upload_until_it_is_resent) {
  vdir_policy p;
  p.notification_type = notification_type::by_reference;
  p.notification_url = "/app/notify";
  start(p);
  auto const id = created("f.bin");
  auto last = [&] {
    auto out = start_fragment(id, "f.bin", 0, 10, 10);
    EXPECT_TRUE(out.job);
    EXPECT_FALSE(out.job->write(bytes("helloworld")));
    EXPECT_TRUE(out.job->needs_notification());
    EXPECT_TRUE(out.job->notification());
    return out;
  };
  auto first = last();
  ASSERT_TRUE(first.job);
  core::reply r;
  if (!without_getrandom(EPERM, [&] { r = first.job->finish_notified({}); })) {
    first.job->abort();
    GTEST_SKIP() << "seccomp filters are not available here";
  }
  EXPECT_TRUE(acks(r, {500, e_fail, 10}));
  EXPECT_EQ(r.cause, "getrandom: Operation not permitted");
  EXPECT_FALSE(r.header(core::header::reply_url));
  first.job.reset();
  auto second = last();
  ASSERT_TRUE(second.job);
  auto const done = second.job->finish_notified({});
  EXPECT_TRUE(acks(done, {200, no_code, 10}));
  EXPECT_TRUE(done.header(core::header::reply_url));
}

}  // namespace
}  // namespace bits::service::testing
