// Maps request paths to virtual directories and runs the BITS_POST validation order
// (reference 4.5): the checks that need no session (check_bits_post) once per request,
// then the directory's service for each attempt (dispatch).
#pragma once

#include "core/message.hpp"
#include "service/packet.hpp"
#include "service/upload_service.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bits::service {

/// A BITS_POST whose target and headers passed every check that needs no session.
/// Views into the request head (through `p`): valid while the request is handled.
struct bits_post {
  upload_service* vdir = nullptr;        ///< the upload-enabled directory it is for
  std::vector<std::string> destination;  ///< validated path segments below its prefix
  packet p;                              ///< the well-formed packet
};

/// Steps 1, 3 and 4 of the validation order for a BITS_POST `req` whose target decoded
/// to `path` (an error when it did not) and lies under `vdir` (null: under none): the
/// path decodes (else invalid_path), lies in an upload-enabled directory (else
/// uploads_disabled, IIS 6's 501), the headers are well-formed (parse_packet's errors),
/// the path below the prefix is a valid name (invalid_path). Pure.
[[nodiscard]] result<bits_post> check_bits_post(result<std::string> const& path,
                                                upload_service* vdir,
                                                core::request_head const& req);

/// Steps 5 and 6: the directory's service decides about `post`, with the principal,
/// scheme, host, target and remote address of `req`. May block on disk I/O for
/// Create-, Close- and Cancel-Session (see blocks_on_disk).
[[nodiscard]] outcome dispatch(bits_post const& post, core::request_head const& req);

/// True when dispatching `p` waits for the disk (spool entries created, committed or
/// removed); Ping and a Fragment's checks do not.
[[nodiscard]] bool blocks_on_disk(packet const& p) noexcept;

class router {
 public:
  /// Adds a virtual directory. Longer URL prefixes win over shorter ones.
  void add(std::unique_ptr<upload_service> vdir);

  /// The virtual directory whose prefix covers decoded `path` (longest match), or null.
  [[nodiscard]] upload_service* find(std::string_view path) const noexcept;

  /// A BITS_POST from its head alone: the target decoded and its directory found, then
  /// check_bits_post and dispatch (the answer is the error Ack when a check fails).
  [[nodiscard]] outcome handle_bits_post(core::request_head const& req) const;

  /// Every directory, longest prefix first.
  [[nodiscard]] std::vector<std::unique_ptr<upload_service>> const& vdirs() const noexcept {
    return vdirs_;
  }

 private:
  std::vector<std::unique_ptr<upload_service>> vdirs_;  ///< longest prefix first
};

}  // namespace bits::service
