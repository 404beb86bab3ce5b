// What the probe's pump (rig.h) polls: every part (a probe UE, the S-CSCF
// side) lists its sockets and is told when one is ready. Single-threaded.
#pragma once

#include <vector>

namespace annexo::probe::pcscf_sip {

class Poll_Part;

struct Poll_Slot {
  int fd = -1;
  short events = 0;
  Poll_Part* owner = nullptr;
  int tag = 0;  // the owner's name for that socket
};

class Poll_Part {
 public:
  virtual ~Poll_Part() = default;
  virtual void slots(std::vector<Poll_Slot>& out) = 0;
  virtual void ready(int tag, short revents) = 0;
};

}  // namespace annexo::probe::pcscf_sip
