#pragma once
#include <cstdint>
#include <sys/socket.h>
#include <chrono>
#include <vector>
#include "adapters/tls/botan/policy.h"
#include "core/errors.h"
