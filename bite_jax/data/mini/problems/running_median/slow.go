package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var n int
	fmt.Fscan(in, &n)
	a := make([]int, 0, n)
	var total int64
	for k := 0; k < n; k++ {
		var x int
		fmt.Fscan(in, &x)
		// walk the sorted slice: from the first value above x on,
		// every value moves one slot right
		for j := range a {
			if a[j] > x {
				a[j], x = x, a[j]
			}
		}
		a = append(a, x)
		total += int64(a[k/2])
	}
	fmt.Println(total)
}
