// Apache htpasswd files: `user:hash` lines, comments and blank lines. Only slow,
// salted hashes are accepted (bcrypt, SHA-crypt, yescrypt); anything weaker is refused
// at load time with a message that says which line and how to fix it.
#pragma once

#include "auth/error.hpp"
#include "core/error.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bits::auth {

/// The users of one htpasswd file. Every hash is of an accepted scheme and well formed
/// (see password_hash.hpp); user names are 1..max_user_bytes bytes without ':' or
/// control characters, and do not begin or end with a space.
struct htpasswd {
  std::string source;                                     ///< file it came from, for logs
  std::map<std::string, std::string, std::less<>> users;  ///< user -> stored hash
};

/// Parses htpasswd text. `source` names the file in problem lines.
///
/// Each line is, after removing trailing spaces, tabs and CR: blank; a comment (first
/// non-blank character '#'); or `user:hash`, split at the first ':'. Every problem is
/// appended to `problems` as one line "source:N: what is wrong" (N counts from 1), e.g.
///   "users.htpasswd:3: user alice: MD5-crypt ($apr1$) is not accepted; re-create the
///    entry with htpasswd -B"
/// Problems: missing ':'; empty, too long, space-padded or control-character user
/// names; rejected schemes (plain text, $apr1$, $1$, {SHA}, DES, other crypt methods,
/// empty hash); malformed hashes of an accepted scheme; a user defined twice. Problem
/// lines never quote a hash or an unparsable line, which may hold a password.
///
/// Returns the table when there was no problem, else auth_error::invalid_htpasswd.
/// A file without any user is valid (and lets nobody in). Pure; does not throw except
/// std::bad_alloc.
[[nodiscard]] result<htpasswd> parse_htpasswd(std::string_view text, std::string_view source,
                                              std::vector<std::string>& problems);

/// Reads the file at `path` (a regular file of at most max_htpasswd_bytes) and parses
/// it as parse_htpasswd does, with `path` as the source.
///
/// Errors, each with one problem line "path: ..." appended to `problems`:
///   - the system error (errno) when the file cannot be opened or read;
///   - auth_error::not_a_regular_file, auth_error::htpasswd_too_large;
///   - auth_error::invalid_htpasswd with one line per problem (see parse_htpasswd).
/// Blocking file I/O: call it at startup or from a reload handler, not per request.
[[nodiscard]] result<htpasswd> load_htpasswd(std::string const& path,
                                             std::vector<std::string>& problems);

}  // namespace bits::auth
