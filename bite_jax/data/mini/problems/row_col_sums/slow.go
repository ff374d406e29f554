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
	best, first := 0, true
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			// collect the cells of the cross: row i without (i, j), then column j
			cross := make([]int, 0, r+c-1)
			for k := 0; k < c; k++ {
				if k != j {
					cross = append(cross, a[i][k])
				}
			}
			for k := 0; k < r; k++ {
				cross = append(cross, a[k][j])
			}
			s := 0
			for _, x := range cross {
				s += x
			}
			if first || s > best {
				best, first = s, false
			}
		}
	}
	fmt.Println(best)
}
