package properties

import (
	"clussim/scheduler"
	"clussim/sim/scenario"
)

func namedForSmoke() []scenario.Scenario { return scenario.Named() }

func schedulerRandom(seed uint64) scheduler.Strategy { return scheduler.NewRandom(seed) }
