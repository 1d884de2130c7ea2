#!/usr/bin/env bash
# Prints the command lines to try an upload from a Windows machine against this server.
port="${1:-8080}"
host=$(hostname -I 2>/dev/null | awk '{print $1}')
[ -n "$host" ] || host=$(hostname)
cat <<MSG

openbitsd is starting on port ${port}; uploads land in ./uploads.
From a Windows machine that can reach this one, try:

  bitsadmin /transfer openbits-test /upload /priority foreground http://${host}:${port}/hello.txt C:\\Windows\\win.ini

  Start-BitsTransfer -TransferType Upload -Source C:\\Windows\\win.ini -Destination http://${host}:${port}/win.ini

(Each name can be uploaded once: overwrites are off by default.) Ctrl-C stops the server.

MSG
