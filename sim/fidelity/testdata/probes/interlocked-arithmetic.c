/* InterlockedExchangeAdd returns the value before; InterlockedIncrement and
 * InterlockedDecrement return the value after. */
#include "probe.h"

int main(void)
{
	volatile LONG x = 5;
	say("add_returns", InterlockedExchangeAdd(&x, 3));
	say("after_add", x);
	say("increment_returns", InterlockedIncrement(&x));
	say("decrement_returns", InterlockedDecrement(&x));
	say("after", x);
	return 0;
}
