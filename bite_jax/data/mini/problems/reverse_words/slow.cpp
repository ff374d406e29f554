#include <iostream>
#include <string>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int m;
    cin >> m;
    string res;
    for (int i = 0; i < m; ++i) {
        string w;
        cin >> w;
        res = (i == 0) ? w : w + (" " + res);
    }
    cout << res << '\n';
    return 0;
}
