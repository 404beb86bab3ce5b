#pragma once
#include <cstdint>
#include <sys/socket.h>
#include <chrono>
#include <vector>
#include "adapters/tls/policy.h"
#include "core/errors.h"
