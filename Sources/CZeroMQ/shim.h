// ZeroMQ (Debian's libzmq3-dev), for the Jupyter kernel only.
#include <zmq.h>
