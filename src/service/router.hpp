// Maps request paths to virtual directories and runs the BITS_POST validation order
// (reference 4.5) before handing a packet to its directory's service.
#pragma once

#include "core/message.hpp"
#include "service/upload_service.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bits::service {

class router {
 public:
  /// Adds a virtual directory. Longer URL prefixes win over shorter ones.
  void add(std::unique_ptr<upload_service> vdir);

  /// The virtual directory whose prefix covers decoded `path` (longest match), or null.
  [[nodiscard]] upload_service* find(std::string_view path) const noexcept;

  /// A BITS_POST request, checked in the reference's order: path decodes (else 400
  /// invalid_path), lies in an upload-enabled virtual directory (else 501), headers are
  /// well-formed (parse_packet), the path below the prefix is a valid name (400); then
  /// the directory's service decides.
  [[nodiscard]] outcome handle_bits_post(core::request_head const& req);

  [[nodiscard]] std::vector<std::unique_ptr<upload_service>> const& vdirs() const noexcept {
    return vdirs_;
  }

 private:
  std::vector<std::unique_ptr<upload_service>> vdirs_;  ///< longest prefix first
};

}  // namespace bits::service
