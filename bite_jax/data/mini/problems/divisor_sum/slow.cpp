#include <iostream>
using namespace std;

int main() {
    int n;
    cin >> n;
    long long total = 0;
    for (int i = 1; i <= n; ++i) {
        int small = 0, large = 0;
        for (int j = 1; j * j <= i; ++j) {
            if (i % j == 0) ++small;
        }
        for (int j = 1; j * j < i; ++j) {
            if (i % j == 0) ++large;  // the partner i / j is above sqrt(i)
        }
        total += small + large;
    }
    cout << total << endl;
    return 0;
}
