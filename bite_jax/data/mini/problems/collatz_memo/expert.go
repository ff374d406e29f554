package main

import "fmt"

func main() {
	var n int64
	fmt.Scan(&n)
	// length[v] is final for all v < i: follow the chain only until it drops below i
	length := make([]int32, n+1)
	best, bestLen := int64(1), int32(0)
	for i := int64(2); i <= n; i++ {
		x, steps := i, int32(0)
		for x >= i {
			if x&1 == 1 {
				x = 3*x + 1
			} else {
				x >>= 1
			}
			steps++
		}
		length[i] = steps + length[x]
		if length[i] > bestLen {
			bestLen = length[i]
			best = i
		}
	}
	fmt.Println(best, bestLen)
}
