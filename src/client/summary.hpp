// The machine-readable summary of `--json`: one JSON object per run on stdout.
#pragma once

#include "client/download_job.hpp"
#include "client/failure.hpp"
#include "client/ping.hpp"
#include "client/upload_job.hpp"

#include <optional>
#include <string>

namespace bits::client {

/// {"operation":"upload","result":"ok"|"error","file":..,"url":..,"effective_url":..
///  (BITS-Host-Id applied),"bytes":..,
///  "bytes_sent":..,"resumed":..,"resumed_from":..,"duration_s":..,"rate_bytes_per_s":..,
///  "session_id":..,"retries":..,"restarts":..,"resyncs":..,"fragments":..,
///  "fragment_size":..,"reply_url":..,"reply_bytes":.., "error":{...}} (error only on
/// failure: "message", "hresult", "name", "http_status", "context", "exit_code").
[[nodiscard]] std::string upload_json(upload_options const& o, upload_result const& r);

/// {"operation":"download","result":..,"url":..,"file":..,"bytes":..,"bytes_received":..,
///  "resumed_from":..,"duration_s":..,"rate_bytes_per_s":..,"retries":..,"restarts":..}
[[nodiscard]] std::string download_json(download_options const& o, download_result const& r);

/// {"operation":"ping","result":..,"url":..,"http_status":..,"round_trip_ms":..}
[[nodiscard]] std::string ping_json(std::string const& url, ping_result const& r);

/// {"operation":"cancel","result":..,"state":..,"session_id":..}
[[nodiscard]] std::string cancel_json(std::string const& state_path, cancel_result const& r);

}  // namespace bits::client
