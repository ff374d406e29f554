package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var r, c int
	fmt.Fscan(in, &r, &c)
	a := make([][]int, r)
	for i := range a {
		a[i] = make([]int, c)
		for j := range a[i] {
			fmt.Fscan(in, &a[i][j])
		}
	}
	// every column sum is computed once; the row sum is still recomputed for each cell
	col := make([]int, c)
	for j := 0; j < c; j++ {
		for k := 0; k < r; k++ {
			col[j] += a[k][j]
		}
	}
	best, first := 0, true
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			s := col[j] - a[i][j]
			for k := 0; k < c; k++ {
				s += a[i][k]
			}
			if first || s > best {
				best, first = s, false
			}
		}
	}
	fmt.Println(best)
}
