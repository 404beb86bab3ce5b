// Users file of the P-CSCF's embedded home network.
//
// Format, one subscriber per line:
//     IMPI PASSWORD IMPU[,IMPU...]
// Fields are separated by spaces/tabs; '#' starts a comment (whole line, or
// after whitespace); blank lines are ignored. The password cannot contain
// whitespace or '#'. IMPIs are unique; every IMPU starts with "sip:", "sips:"
// or "tel:". Errors name the line: "users-file:3: IMPU 'foo' is not a sip:,
// sips: or tel: URI". Bounds: 4096-byte lines, 100000 users, 64 IMPUs per user.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sip/result.h"

namespace annexo::sip {

struct UserRecord {
  std::string impi;
  std::string password;
  std::vector<std::string> impus;  // first one is the default public identity
};

struct Users {
  std::vector<UserRecord> records;
  const UserRecord* find(std::string_view impi) const;
};

Result<Users> parse_users(std::string_view text);
// Reads and parses a file; an unreadable file is an error naming the path.
Result<Users> load_users(const std::string& path);

}  // namespace annexo::sip
