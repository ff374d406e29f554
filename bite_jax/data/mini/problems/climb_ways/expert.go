package main

import "fmt"

const MOD = 1000000007

func main() {
	var n, k int
	fmt.Scan(&n, &k)
	steps := make([]int, k)
	for i := range steps {
		fmt.Scan(&steps[i])
	}
	// ways[m] depends only on smaller m: fill the table bottom-up
	ways := make([]int64, n+1)
	ways[0] = 1
	for m := 1; m <= n; m++ {
		for _, s := range steps {
			if s <= m {
				ways[m] = (ways[m] + ways[m-s]) % MOD
			}
		}
	}
	fmt.Println(ways[n])
}
