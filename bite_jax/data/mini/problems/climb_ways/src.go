package main

import "fmt"

const MOD = 1000000007

var steps []int

func ways(m int) int64 {
	if m == 0 {
		return 1
	}
	var total int64
	for _, s := range steps {
		if s <= m {
			total = (total + ways(m-s)) % MOD
		}
	}
	return total
}

func main() {
	var n, k int
	fmt.Scan(&n, &k)
	steps = make([]int, k)
	for i := range steps {
		fmt.Scan(&steps[i])
	}
	fmt.Println(ways(n))
}
