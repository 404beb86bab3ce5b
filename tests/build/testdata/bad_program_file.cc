// A program source that knows the stack: every include below but the first
// two and the last is refused by check_stack_neutral_includes.
#include "adapters/tls/stack.h"
#include <botan/hash.h>
#include "adapters/tls/botan/credentials.h"
#include <botan/tls_client.h>
#include "adapters/tls/openssl/endpoint.h"
#include <openssl/ssl.h>
#include <botan/x509cert.h>
#include "adapters/tls/endpoint.h"
