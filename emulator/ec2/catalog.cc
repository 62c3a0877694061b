#include "emulator/ec2/catalog.h"
