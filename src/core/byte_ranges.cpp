// Range header interpretation and HTTP validators for downloads.
#include "core/byte_ranges.hpp"

#include "core/content_range.hpp"
#include "core/message.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

namespace bits::core {

namespace {

constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// One range-spec; empty optional = syntax error; length 0 = unsatisfiable.
std::optional<byte_range> parse_spec(std::string_view spec, std::uint64_t size) {
  auto const dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto const a = spec.substr(0, dash);
  auto const b = spec.substr(dash + 1);
  if (a.empty()) {  // suffix: the last n bytes
    auto const n = parse_decimal_u64(b);
    if (!n) return std::nullopt;
    auto const len = std::min(*n, size);
    return byte_range{size - len, len};
  }
  auto const first = parse_decimal_u64(a);
  if (!first) return std::nullopt;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto const l = parse_decimal_u64(b);
    if (!l || *l < *first) return std::nullopt;
    last = std::min(*l, last);
  }
  if (*first >= size) return byte_range{*first, 0};
  return byte_range{*first, last - *first + 1};
}

/// True when `a` and `b` share a byte or are adjacent (one ends where the other starts).
bool touches(byte_range const& a, byte_range const& b) noexcept {
  return a.first <= b.first + b.length && b.first <= a.first + a.length;
}

/// Adds `r` to `ranges` (pairwise disjoint and non-adjacent, and kept so): every range
/// that `r` overlaps or adjoins is merged with it, at the place of the earliest of them,
/// so that a request cannot ask for the same bytes twice (RFC 9110 14.2 lets a server
/// coalesce such ranges).
void add_coalesced(std::vector<byte_range>& ranges, byte_range r) {
  std::size_t at = ranges.size();
  for (std::size_t i = 0; i < ranges.size();) {
    auto const& o = ranges[i];
    if (!touches(o, r)) {
      ++i;
      continue;
    }
    auto const first = std::min(o.first, r.first);
    auto const end = std::max(o.first + o.length, r.first + r.length);
    r = byte_range{first, end - first};
    if (at == ranges.size()) {
      at = i++;
    } else {
      ranges.erase(ranges.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  if (at == ranges.size()) {
    ranges.push_back(r);
  } else {
    ranges[at] = r;
  }
}

}  // namespace

range_request parse_range(std::string_view header, std::uint64_t size) {
  range_request out;
  header = trim(header);
  constexpr std::string_view unit = "bytes=";
  if (header.size() < unit.size() || !iequals(header.substr(0, unit.size()), unit)) return out;
  header.remove_prefix(unit.size());

  std::vector<byte_range> ranges;
  std::size_t satisfiable = 0;
  bool any = false;
  while (!header.empty()) {
    auto const comma = header.find(',');
    auto const spec = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (spec.empty()) continue;  // RFC 7230 list syntax allows empty elements
    any = true;
    auto const r = parse_spec(spec, size);
    if (!r) return out;
    if (r->length == 0) continue;
    // Many small ranges are a sign of a broken or hostile client (RFC 9110 14.2).
    if (++satisfiable > max_ranges) return out;
    add_coalesced(ranges, *r);
  }
  if (!any) return out;  // "bytes=" with no range at all is not a valid Range header
  if (ranges.empty()) {
    out.what = range_request::kind::unsatisfiable;
    return out;
  }
  out.what = range_request::kind::partial;
  out.ranges = std::move(ranges);
  return out;
}

std::string make_etag(std::uint64_t inode, std::uint64_t size, std::int64_t mtime_ns) {
  std::array<char, 80> buf{};
  int const n = std::snprintf(
      buf.data(), buf.size(), "\"%llx-%llx-%llx\"", static_cast<unsigned long long>(inode),
      static_cast<unsigned long long>(size), static_cast<unsigned long long>(mtime_ns));
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::string format_http_date(std::int64_t unix_seconds) {
  std::time_t const t =
      static_cast<std::time_t>(std::clamp(unix_seconds, earliest_http_date, latest_http_date));
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr std::array<char const*, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                      "Thu", "Fri", "Sat"};
  std::array<char, 40> buf{};
  int const n = std::snprintf(buf.data(), buf.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                              days.at(static_cast<std::size_t>(tm.tm_wday)), tm.tm_mday,
                              months.at(static_cast<std::size_t>(tm.tm_mon)).data(),
                              tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept {
  // IMF-fixdate is exactly 29 characters; strptime would accept locale forms we must not.
  if (text.size() != 29 || text.substr(25) != " GMT") return std::nullopt;
  auto num = [&](std::size_t at, std::size_t len) -> std::optional<int> {
    auto v = parse_decimal_u64(text.substr(at, len));
    if (!v || *v > 9999) return std::nullopt;
    return static_cast<int>(*v);
  };
  std::tm tm{};
  auto const day = num(5, 2), year = num(12, 4), h = num(17, 2), m = num(20, 2), s = num(23, 2);
  if (!day || !year || !h || !m || !s || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  int month = -1;
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (text.substr(8, 3) == months[i]) month = static_cast<int>(i);
  }
  if (month < 0 || *day < 1 || *day > 31 || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
  // A date before year 1000 could not be written back as it was read (and no file of
  // ours is that old): refused like any other malformed date.
  if (*year < 1000) return std::nullopt;
  tm.tm_mday = *day;
  tm.tm_mon = month;
  tm.tm_year = *year - 1900;
  tm.tm_hour = *h;
  tm.tm_min = *m;
  tm.tm_sec = *s;
  return static_cast<std::int64_t>(timegm(&tm));
}

bool etag_list_matches(std::string_view list, std::string_view etag) noexcept {
  list = trim(list);
  if (list == "*") return true;
  auto const opaque = [](std::string_view t) {
    t = trim(t);
    if (t.size() > 2 && t.substr(0, 2) == "W/") t.remove_prefix(2);
    return t;
  };
  while (!list.empty()) {
    auto const comma = list.find(',');
    if (opaque(list.substr(0, comma)) == opaque(etag)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace bits::core
