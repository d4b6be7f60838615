// The one C header Swift sees for libzmq (Debian: libzmq3-dev). Only the ZeroMQ module imports it.
#include <zmq.h>
