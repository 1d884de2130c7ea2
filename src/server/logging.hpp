// The daemon's log: stderr (the journal under systemd), as text lines or as one JSON
// object per line (log_format). Two loggers share the sink: the default one for every
// event, and the request logger for the access lines (request_log), whose JSON lines
// carry the request's fields instead of a message.
#pragma once

#include "settings/types.hpp"

#include <spdlog/logger.h>

namespace bits::server {

/// Makes the default logger ("openbitsd") and the request logger write to stderr in
/// `format` at `level`. Call once, before any thread logs.
void configure_logging(settings::log_format format, spdlog::level::level_enum level);

/// Sets the level of both loggers (a reload).
void set_log_level(spdlog::level::level_enum level);

/// Switches both loggers to `format` (a reload): the lines after it are written so.
void set_log_format(settings::log_format format);

/// Whether lines are JSON objects.
[[nodiscard]] bool json_logs() noexcept;

/// The request logger; the default logger before configure_logging.
[[nodiscard]] spdlog::logger& request_logger() noexcept;

}  // namespace bits::server
