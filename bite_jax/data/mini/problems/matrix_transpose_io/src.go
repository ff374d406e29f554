package main

import "fmt"

func main() {
	var r, c int
	fmt.Scan(&r, &c)
	a := make([][]int, r)
	for i := range a {
		a[i] = make([]int, c)
		for j := range a[i] {
			fmt.Scan(&a[i][j])
		}
	}
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			if i > 0 {
				fmt.Print(" ")
			}
			fmt.Print(a[i][j])
		}
		fmt.Println()
	}
}
