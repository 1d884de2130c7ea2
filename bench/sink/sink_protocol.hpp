// The wire format between openbits_loadgen (--transport raw) and openbits_sink: a fixed
// 24-byte request header and, for uploads, a one-byte acknowledgement. No HTTP: this is
// the floor that the machine itself sets for moving the same bytes.
#pragma once

#include <cstdint>
#include <cstring>

namespace bits::bench {

/// Request operations; the value is the first four bytes of the header.
inline constexpr char sink_op_put[4] = {'P', 'U', 'T', ' '};
inline constexpr char sink_op_get[4] = {'G', 'E', 'T', ' '};

/// PUT flags.
inline constexpr std::uint32_t sink_flag_ack = 1;       ///< answer one byte when stored
inline constexpr std::uint32_t sink_flag_sync = 2;      ///< fdatasync before the answer
inline constexpr std::uint32_t sink_flag_new_file = 4;  ///< start a new file first

/// The answer to a PUT with sink_flag_ack.
inline constexpr char sink_ack_byte = 'K';

/// One request. PUT: `a` body bytes follow and are appended to the connection's current
/// file. GET: the sink answers bytes [a, a + b) of its source file, nothing else.
/// Integers are in host byte order: both ends run on the same machine.
struct sink_header {
  char op[4] = {};
  std::uint32_t flags = 0;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
};
static_assert(sizeof(sink_header) == 24);

inline sink_header make_put(std::uint64_t length, std::uint32_t flags) {
  sink_header h;
  std::memcpy(h.op, sink_op_put, sizeof h.op);
  h.flags = flags;
  h.a = length;
  return h;
}

inline sink_header make_get(std::uint64_t offset, std::uint64_t length) {
  sink_header h;
  std::memcpy(h.op, sink_op_get, sizeof h.op);
  h.a = offset;
  h.b = length;
  return h;
}

}  // namespace bits::bench
