#include "emulator/ec2/keys.h"
